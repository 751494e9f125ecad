#include "frontend/parser.hpp"

#include <array>
#include <utility>

namespace rampart::idl {

using namespace ast;

Parser::Parser(std::string file, std::string source, Diagnostics& diags)
    : lexer_(file, std::move(source), diags), diags_(diags), file_(std::move(file)) {}

// ---- tokens ----

const Token& Parser::peek() {
  if (!peek_) peek_ = lexer_.next();
  return *peek_;
}

Token Parser::take() {
  Token t = peek();
  peek_.reset();
  return t;
}

bool Parser::accept(char p) {
  if (!peek().is(p)) return false;
  take();
  return true;
}

bool Parser::accept_ident(std::string_view w) {
  if (!peek().is_ident(w)) return false;
  take();
  return true;
}

void Parser::error_here(const std::string& what) {
  const Token& t = peek();
  const std::string found = t.kind == Tok::end ? "end of file" : "'" + t.text + "'";
  diags_.error(t.loc, what + ", found " + found);
}

bool Parser::expect(char p, std::string_view context) {
  if (accept(p)) return true;
  error_here(std::string("expected '") + p + "' " + std::string(context));
  return false;
}

std::string Parser::expect_ident(std::string_view context) {
  if (peek().kind == Tok::ident) return take().text;
  error_here("expected " + std::string(context));
  return {};
}

void Parser::recover() {
  int depth = 0;
  while (peek().kind != Tok::end) {
    if (peek().is('{') || peek().is('(') || peek().is('[')) ++depth;
    if (peek().is('}') || peek().is(')') || peek().is(']')) {
      if (depth == 0) return;
      --depth;
    }
    if (depth == 0 && peek().is(';')) {
      take();
      return;
    }
    take();
  }
}

// ---- file and interface ----

File Parser::parse() {
  File file;
  file.path = file_;
  while (peek().kind != Tok::end) {
    const std::size_t before = diags_.error_count();
    Attrs attrs;
    if (peek().is('[')) attrs = parse_attrs();
    if (peek().is_ident("interface")) {
      parse_interface(file, std::move(attrs));
    } else if (peek().is_ident("library") || peek().is_ident("coclass") || peek().is_ident("dispinterface") ||
               peek().is_ident("module")) {
      diags_.error(peek().loc, "'" + peek().text + "' (type libraries) is not supported");
      take();
      recover();
      if (accept('{')) {
        take();
        recover();
        accept('}');
      }
      accept(';');
    } else if (!parse_decl(file.top, std::move(attrs))) {
      recover();
    }
    if (diags_.error_count() > before + 20) break;  // a cascade; stop reading
  }
  return file;
}

void Parser::parse_interface(File& file, Attrs attrs) {
  Interface itf;
  itf.loc = take().loc;
  itf.attrs = std::move(attrs);
  itf.name = expect_ident("an interface name");
  if (accept(':')) {
    itf.base_loc = peek().loc;
    itf.base = expect_ident("a base interface name");
  }
  if (accept(';')) return;  // forward declaration
  if (!expect('{', "to open the interface body")) {
    recover();
    return;
  }
  while (peek().kind != Tok::end && !peek().is('}')) {
    Attrs a;
    if (peek().is('[')) a = parse_attrs();
    if (!parse_decl(itf.body, std::move(a))) recover();
  }
  expect('}', "to close the interface body");
  accept(';');
  file.interfaces.push_back(std::move(itf));
}

void Parser::parse_import(std::vector<Decl>& into) {
  take();
  do {
    if (peek().kind != Tok::string) {
      error_here("expected a quoted file name after import");
      return;
    }
    const Token t = take();
    into.push_back(Import{t.text, t.loc});
  } while (accept(','));
  expect(';', "after import");
}

void Parser::skip_call_like(std::string_view what, bool warn) {
  const Token t = take();
  if (warn) diags_.warning(t.loc, std::string(what) + " is ignored");
  if (accept('(')) {
    int depth = 1;
    while (depth > 0 && peek().kind != Tok::end) {
      if (peek().is('(')) ++depth;
      if (peek().is(')')) --depth;
      take();
    }
  }
  accept(';');
}

bool Parser::parse_decl(std::vector<Decl>& into, Attrs attrs) {
  const Token& t = peek();
  if (t.is_ident("import")) {
    parse_import(into);
    return true;
  }
  if (t.is_ident("cpp_quote")) {
    skip_call_like("cpp_quote", false);  // C text for MIDL's header; no wire meaning
    return true;
  }
  if (t.is_ident("midl_pragma")) {
    take();
    skip_call_like("midl_pragma", true);
    return true;
  }
  if (t.is_ident("typedef")) {
    if (!attrs.empty()) diags_.error(attrs.front().loc, "attributes go after 'typedef', not before it");
    into.push_back(parse_typedef());
    return true;
  }
  if (t.is_ident("const")) {
    into.push_back(parse_const());
    return true;
  }
  if (t.kind != Tok::ident) {
    error_here("expected a declaration");
    return false;
  }
  TypeSpec type = parse_type_spec();
  if ((type.kind == TypeSpec::Kind::struct_tag || type.kind == TypeSpec::Kind::union_tag ||
       type.kind == TypeSpec::Kind::enum_tag) &&
      accept(';')) {
    if (type.union_def) type.union_def->attrs = std::move(attrs);
    into.push_back(TagDecl{std::move(type)});
    return true;
  }
  into.push_back(parse_operation(std::move(attrs), std::move(type)));
  return true;
}

Typedef Parser::parse_typedef() {
  Typedef td;
  td.loc = take().loc;
  if (peek().is('[')) td.attrs = parse_attrs();
  td.type = parse_type_spec();
  if (td.type.union_def) td.type.union_def->attrs = td.attrs;
  do {
    td.decls.push_back(parse_declarator(false));
  } while (accept(','));
  expect(';', "after typedef");
  return td;
}

Const Parser::parse_const() {
  Const c;
  c.loc = take().loc;
  c.type = parse_type_spec();
  c.decl = parse_declarator(false);
  expect('=', "in const declaration");
  c.value = parse_expr();
  expect(';', "after const declaration");
  return c;
}

Operation Parser::parse_operation(Attrs attrs, TypeSpec ret) {
  Operation op;
  op.attrs = std::move(attrs);
  op.ret = std::move(ret);
  while (accept('*')) ++op.ret_pointers;
  op.loc = peek().loc;
  op.name = expect_ident("an operation name");
  if (!expect('(', "to open the parameter list")) return op;
  if (peek().is_ident("void")) {
    take();
    if (!peek().is(')')) {  // `void* p` is a parameter, not an empty list
      Param p;
      p.type.kind = TypeSpec::Kind::base;
      p.type.name = "void";
      p.decl = parse_declarator(true);
      op.params.push_back(std::move(p));
    }
  }
  if (!peek().is(')') && op.params.empty()) {
    do {
      Param p;
      if (peek().is('[')) p.attrs = parse_attrs();
      p.type = parse_type_spec();
      p.decl = parse_declarator(true);
      if (p.decl.name.empty()) p.decl.name = "p" + std::to_string(op.params.size());
      op.params.push_back(std::move(p));
    } while (accept(','));
  }
  expect(')', "to close the parameter list");
  expect(';', "after the operation");
  return op;
}

// ---- attributes ----

Attrs Parser::parse_attrs() {
  Attrs attrs;
  // Consecutive lists ([case(1)] [string]) read as one.
  while (accept('[')) {
    if (accept(']')) continue;
    do {
      attrs.push_back(parse_attr());
    } while (accept(','));
    expect(']', "to close the attribute list");
  }
  return attrs;
}

Attr Parser::parse_attr() {
  Attr a;
  a.loc = peek().loc;
  a.name = expect_ident("an attribute name");
  if (!peek().is('(')) return a;
  if (a.name == "uuid" || a.name == "version") {
    take();
    a.raw = lexer_.raw_until(')');
    expect(')', "after " + a.name);
    return a;
  }
  take();
  if (a.name == "switch_type") {
    a.type = std::make_shared<TypeSpec>(parse_type_spec());
    while (accept('*')) {
    }
  } else if (!peek().is(')')) {
    do {
      if (peek().is(',') || peek().is(')')) {
        Expr empty;  // size_is(, n): an omitted dimension
        empty.kind = Expr::Kind::ident;
        empty.loc = peek().loc;
        a.args.push_back(empty);
        continue;
      }
      a.args.push_back(parse_expr());
    } while (accept(','));
  }
  expect(')', "to close the attribute's arguments");
  return a;
}

// ---- types ----

std::optional<std::string> Parser::parse_base_type() {
  bool is_unsigned = false;
  bool is_signed = false;
  if (accept_ident("unsigned")) is_unsigned = true;
  else if (accept_ident("signed")) is_signed = true;
  const Token& t = peek();
  std::string w = t.kind == Tok::ident ? t.text : "";
  static const std::array<std::pair<const char*, int>, 11> kInts{{{"small", 8},
                                                                   {"short", 16},
                                                                   {"long", 32},
                                                                   {"int", 32},
                                                                   {"hyper", 64},
                                                                   {"__int8", 8},
                                                                   {"__int16", 16},
                                                                   {"__int32", 32},
                                                                   {"__int64", 64},
                                                                   {"__int3264", 32},
                                                                   {"char", 0}}};
  for (const auto& [name, bits] : kInts) {
    if (w != name) continue;
    take();
    if (bits == 0) return is_signed ? "i8" : is_unsigned ? "u8" : "char";
    int b = bits;
    if (w == "long" && accept_ident("long")) b = 64;
    accept_ident("int");
    return std::string(is_unsigned ? "u" : "i") + std::to_string(b);
  }
  if (is_unsigned || is_signed) return std::string(is_unsigned ? "u32" : "i32");  // `unsigned` alone
  static const std::array<std::pair<const char*, const char*>, 16> kNamed{{{"boolean", "boolean"},
                                                                          {"byte", "u8"},
                                                                          {"wchar_t", "wchar"},
                                                                          {"float", "f32"},
                                                                          {"double", "f64"},
                                                                          {"void", "void"},
                                                                          {"handle_t", "handle_t"},
                                                                          {"int8", "i8"},
                                                                          {"uint8", "u8"},
                                                                          {"int16", "i16"},
                                                                          {"uint16", "u16"},
                                                                          {"int32", "i32"},
                                                                          {"uint32", "u32"},
                                                                          {"int64", "i64"},
                                                                          {"uint64", "u64"},
                                                                          {"error_status_t", "u32"}}};
  for (const auto& [name, canon] : kNamed) {
    if (w == name) {
      take();
      return std::string(canon);
    }
  }
  return std::nullopt;
}

TypeSpec Parser::parse_type_spec() {
  TypeSpec ts;
  while (accept_ident("const")) {
  }
  ts.loc = peek().loc;
  if (auto base = parse_base_type()) {
    ts.kind = TypeSpec::Kind::base;
    ts.name = *base;
    while (accept_ident("const")) {
    }
    return ts;
  }
  const Token t = peek();
  if (t.kind != Tok::ident) {
    error_here("expected a type");
    return ts;
  }
  take();
  if (t.text == "struct" || t.text == "union" || t.text == "enum") {
    std::string tag = peek().kind == Tok::ident && !peek().is_ident("switch") ? take().text : "";
    ts.name = tag;
    if (t.text == "struct") {
      ts.kind = TypeSpec::Kind::struct_tag;
      if (peek().is('{')) ts.struct_def = parse_struct_body(tag, t.loc);
    } else if (t.text == "union") {
      ts.kind = TypeSpec::Kind::union_tag;
      if (peek().is('{') || peek().is_ident("switch")) ts.union_def = parse_union_rest(tag, t.loc);
    } else {
      ts.kind = TypeSpec::Kind::enum_tag;
      if (peek().is('{')) ts.enum_def = parse_enum_body(tag, t.loc);
    }
    if (tag.empty() && !ts.struct_def && !ts.union_def && !ts.enum_def)
      diags_.error(t.loc, t.text + " without a tag or a body");
    return ts;
  }
  if (t.text == "pipe") {
    ts.kind = TypeSpec::Kind::pipe;
    ts.pipe_elem = std::make_shared<TypeSpec>(parse_type_spec());
    return ts;
  }
  ts.kind = TypeSpec::Kind::named;
  ts.name = t.text;
  while (accept_ident("const")) {
  }
  return ts;
}

std::shared_ptr<StructDef> Parser::parse_struct_body(std::string tag, const Loc& at) {
  auto def = std::make_shared<StructDef>();
  def->tag = std::move(tag);
  def->loc = at;
  take();  // {
  while (peek().kind != Tok::end && !peek().is('}')) {
    Attrs attrs;
    if (peek().is('[')) attrs = parse_attrs();
    parse_members(def->members, std::move(attrs));
  }
  expect('}', "to close the struct");
  return def;
}

void Parser::parse_members(std::vector<Member>& out, Attrs attrs) {
  TypeSpec type = parse_type_spec();
  do {
    Member m;
    m.attrs = attrs;
    m.type = type;
    m.decl = parse_declarator(false);
    out.push_back(std::move(m));
  } while (accept(','));
  if (!expect(';', "after a member")) recover();
}

std::shared_ptr<UnionDef> Parser::parse_union_rest(std::string tag, const Loc& at) {
  auto def = std::make_shared<UnionDef>();
  def->tag = std::move(tag);
  def->loc = at;
  if (accept_ident("switch")) {
    // C706 encapsulated union: union switch (long d) arm_name { case 1: ... }
    def->encapsulated = true;
    expect('(', "after switch");
    def->switch_type = std::make_shared<TypeSpec>(parse_type_spec());
    def->switch_name = expect_ident("the discriminant's name");
    expect(')', "after the discriminant");
    if (peek().kind == Tok::ident) def->arm_name = take().text;
  }
  if (!expect('{', "to open the union")) return def;
  while (peek().kind != Tok::end && !peek().is('}')) {
    if (def->encapsulated) {
      UnionArm arm;
      arm.loc = peek().loc;
      for (;;) {
        if (accept_ident("case")) {
          arm.cases.push_back(parse_expr());
          expect(':', "after case");
        } else if (accept_ident("default")) {
          arm.is_default = true;
          expect(':', "after default");
        } else {
          break;
        }
      }
      if (arm.cases.empty() && !arm.is_default) {
        error_here("expected 'case' or 'default'");
        recover();
        continue;
      }
      if (!accept(';')) {
        Attrs attrs;
        if (peek().is('[')) attrs = parse_attrs();
        std::vector<Member> ms;
        parse_members(ms, std::move(attrs));
        if (!ms.empty()) arm.member = std::move(ms.front());
      }
      def->arms.push_back(std::move(arm));
    } else if (auto arm = parse_union_arm_midl()) {
      def->arms.push_back(std::move(*arm));
    }
  }
  expect('}', "to close the union");
  return def;
}

std::optional<UnionArm> Parser::parse_union_arm_midl() {
  UnionArm arm;
  arm.loc = peek().loc;
  if (!peek().is('[')) {
    error_here("expected [case(...)] or [default] before a union arm");
    recover();
    return std::nullopt;
  }
  Attrs attrs = parse_attrs();
  Attrs rest;
  for (auto& a : attrs) {
    if (a.name == "case") {
      for (auto& e : a.args) arm.cases.push_back(std::move(e));
    } else if (a.name == "default") {
      arm.is_default = true;
    } else {
      rest.push_back(std::move(a));
    }
  }
  if (arm.cases.empty() && !arm.is_default) diags_.error(arm.loc, "union arm without [case(...)] or [default]");
  if (accept(';')) return arm;
  std::vector<Member> ms;
  parse_members(ms, std::move(rest));
  if (!ms.empty()) arm.member = std::move(ms.front());
  return arm;
}

std::shared_ptr<EnumDef> Parser::parse_enum_body(std::string tag, const Loc& at) {
  auto def = std::make_shared<EnumDef>();
  def->tag = std::move(tag);
  def->loc = at;
  take();  // {
  while (peek().kind == Tok::ident) {
    Enumerator e;
    e.loc = peek().loc;
    e.name = take().text;
    if (accept('=')) e.value = parse_expr();
    def->values.push_back(std::move(e));
    if (!accept(',')) break;
  }
  expect('}', "to close the enum");
  return def;
}

Declarator Parser::parse_declarator(bool name_optional) {
  Declarator d;
  while (accept('*')) {
    ++d.pointers;
    while (accept_ident("const")) {
    }
  }
  d.loc = peek().loc;
  if (peek().kind == Tok::ident) d.name = take().text;
  else if (!name_optional) error_here("expected a name");
  while (accept('[')) {
    ArrayDim dim;
    if (accept('*')) {
    } else if (!peek().is(']')) {
      dim.size = parse_expr();
    }
    expect(']', "to close the array bound");
    d.dims.push_back(std::move(dim));
  }
  return d;
}

}  // namespace rampart::idl
