// The legs of a SPNEGO exchange that, as with Kerberos against Samba or
// Windows, goes on after the inner mechanism completed: bind (AP-REQ),
// bind_ack (AP-REP), alter_context (the client's AP-REP), alter_context_resp
// (the acceptor's mechListMIC), and one more alter_context carrying the
// initiator's mechListMIC (RFC 4178 5, [MS-SPNG] 3.3.5.1). A scripted
// initiator stands in for MIT's SPNEGO so that the runtime's sequencing is
// what is tested.
#include <gtest/gtest.h>

#include <deque>

#include "rampart/runtime/client_association.hpp"
#include "rampart/runtime/client_errc.hpp"
#include "rampart/security/errc.hpp"

namespace rampart::runtime {
namespace {

namespace ev = client_event;
namespace sec = security;
using Token = std::vector<std::uint8_t>;

const SyntaxId kEpm{Uuid::parse("e1af8308-5d1f-11c9-91a4-08002b14a0fa").value(), 3, 0};
const SyntaxId kMgmt{Uuid::parse("afa8bd80-7d8a-11c9-bef4-08002b102989").value(), 1, 0};

// RFC 4178 4.2.2 negTokenResp { negState [0] ENUMERATED }.
Token neg_state(std::uint8_t state) { return {0xa1, 0x07, 0x30, 0x05, 0xa0, 0x03, 0x0a, 0x01, state}; }

struct Step {
  Token expect_in;  // what the server must have sent
  sec::StepStatus status;
  Token out;
};

// Plays a fixed script; records every input it was given.
class ScriptedContext final : public sec::SecurityContext {
 public:
  explicit ScriptedContext(std::deque<Step> script) : script_(std::move(script)) {}
  Result<sec::StepResult> step(sec::ByteSpan input) override {
    if (script_.empty()) return fail(sec::Errc::gss_failure, "script exhausted");
    Step s = std::move(script_.front());
    script_.pop_front();
    if (!std::equal(input.begin(), input.end(), s.expect_in.begin(), s.expect_in.end()))
      return fail(sec::Errc::gss_failure, "unexpected input");
    complete_ = s.status == sec::StepStatus::complete;
    return sec::StepResult{s.status, std::move(s.out)};
  }
  bool complete() const noexcept override { return complete_; }
  std::string peer_name() const override { return {}; }
  sec::GssMech mech() const noexcept override { return sec::GssMech::kerberos; }
  std::string last_status() const override { return {}; }
  Result<std::unique_ptr<sec::PduProtection>> protection(const sec::ProtectionParams&) override {
    return fail(sec::Errc::gss_failure, "connect level has no protection");
  }

 private:
  std::deque<Step> script_;
  bool complete_ = false;
};

class ScriptedSpnego final : public sec::SecurityProvider {
 public:
  explicit ScriptedSpnego(std::deque<Step> script) : script_(std::move(script)) {}
  std::uint8_t auth_type() const noexcept override { return sec::auth_type::kSpnego; }
  std::string name() const override { return "scripted"; }
  std::string principal() const override { return {}; }
  Result<std::unique_ptr<sec::SecurityContext>> new_acceptor() override {
    return fail(sec::Errc::gss_failure, "initiator only");
  }
  Result<std::unique_ptr<sec::SecurityContext>> new_initiator(const std::string&, sec::AuthLevel) override {
    return std::unique_ptr<sec::SecurityContext>(new ScriptedContext(script_));
  }

 private:
  std::deque<Step> script_;
};

// The Kerberos-under-SPNEGO script as Samba runs it; `closing` is the
// server's answer to the initiator's mechListMIC.
std::deque<Step> kerberos_script() {
  return {
      {{}, sec::StepStatus::continue_needed, {0x60, 0x01, 0x01}},        // negTokenInit, AP-REQ
      {{0xa1, 0x01, 0x02}, sec::StepStatus::continue_needed, {0xa1, 0x01, 0x03}},  // AP-REP, ours
      {{0xa1, 0x01, 0x04}, sec::StepStatus::complete, {0xa1, 0x01, 0x05}},  // mechListMIC both ways
  };
}

class SpnegoLegs : public ::testing::Test {
 protected:
  // Sends `auth_value` in a bind_ack (first) or alter_context_resp answering
  // the last PDU the client sent; returns the events.
  std::vector<ClientEvent> answer(const Token& auth_value, bool with_auth = true) {
    auto sent = pdu::decode(last_sent_).value();
    pdu::Pdu r;
    const bool ack = sent.ptype() == pdu::PType::bind;
    r.header.ptype = ack ? pdu::PType::bind_ack : pdu::PType::alter_context_resp;
    r.header.pfc_flags = pdu::pfc::kFirstLast;
    r.header.call_id = sent.header.call_id;
    pdu::BindAck body{5840, 5840, 0x1234, ack ? "135" : "", {{pdu::ContextResult::acceptance, 0, syntax::kNdr20}}};
    if (ack) {
      r.body = body;
    } else {
      r.body = pdu::AlterContextResp{body};
    }
    if (with_auth) r.auth = pdu::AuthVerifier{sec::auth_type::kSpnego, 2, 0, 0, 7, {}, auth_value};
    std::vector<ClientEvent> events;
    client_.on_bytes(pdu::encode(r), events);
    for (auto& e : events) {
      if (auto* s = std::get_if<ev::Send>(&e)) last_sent_ = s->bytes;
      if (auto* f = std::get_if<ev::ProtocolError>(&e)) error_ = f->error;
    }
    return events;
  }

  void bind(std::deque<Step> script) {
    provider_ = std::make_shared<ScriptedSpnego>(std::move(script));
    ASSERT_TRUE(client_.use_auth({provider_, sec::AuthLevel::connect, "host@rampart.test", 7, true, true}));
    Output out;
    const ClientContext ctx{0, kEpm, {syntax::kNdr20}};
    ASSERT_TRUE(client_.begin_bind(std::span(&ctx, 1), out));
    last_sent_ = out.send;
  }

  pdu::Pdu sent() const { return pdu::decode(last_sent_).value(); }

  std::shared_ptr<sec::SecurityProvider> provider_;
  ClientAssociation client_;
  std::vector<std::uint8_t> last_sent_;
  std::optional<Error> error_;
};

template <class E>
const E* find(const std::vector<ClientEvent>& events) {
  for (const auto& e : events)
    if (const auto* x = std::get_if<E>(&e)) return x;
  return nullptr;
}

Token value_of(const pdu::Pdu& p) { return {p.auth->auth_value.begin(), p.auth->auth_value.end()}; }

TEST_F(SpnegoLegs, TheInitiatorsMechListMicRidesAnAlterContextWithItsVerifier) {
  bind(kerberos_script());
  EXPECT_EQ(value_of(sent()), (Token{0x60, 0x01, 0x01}));
  auto events = answer({0xa1, 0x01, 0x02});
  EXPECT_FALSE(find<ev::Bound>(events));
  ASSERT_EQ(sent().ptype(), pdu::PType::alter_context);
  EXPECT_EQ(value_of(sent()), (Token{0xa1, 0x01, 0x03}));
  const auto second_call = sent().header.call_id;

  // The context completes with a token still to send: the closing leg goes
  // on a new alter_context that carries it under the same auth context.
  events = answer({0xa1, 0x01, 0x04});
  EXPECT_FALSE(find<ev::Bound>(events));
  const auto closing = sent();
  ASSERT_EQ(closing.ptype(), pdu::PType::alter_context);
  EXPECT_NE(closing.header.call_id, second_call);
  ASSERT_TRUE(closing.auth);
  EXPECT_EQ(closing.auth->auth_type, sec::auth_type::kSpnego);
  EXPECT_EQ(closing.auth->auth_context_id, 7U);
  EXPECT_EQ(value_of(closing), (Token{0xa1, 0x01, 0x05}));

  events = answer(neg_state(0));
  ASSERT_TRUE(find<ev::Bound>(events)) << (error_ ? error_->to_string() : "");
  EXPECT_EQ(client_.state(), ClientAssociation::State::bound);

  // An alter_context after the exchange only adds a presentation context.
  Output out;
  const ClientContext more{1, kMgmt, {syntax::kNdr20}};
  ASSERT_TRUE(client_.begin_alter(std::span(&more, 1), out));
  auto later = pdu::decode(out.send).value();
  EXPECT_EQ(later.ptype(), pdu::PType::alter_context);
  EXPECT_FALSE(later.auth);
}

// A closing answer without a sec_trailer (auth_length 0) says nothing
// more: the initiator already completed.
TEST_F(SpnegoLegs, AClosingAnswerWithoutATrailerBinds) {
  bind(kerberos_script());
  (void)answer({0xa1, 0x01, 0x02});
  (void)answer({0xa1, 0x01, 0x04});
  EXPECT_TRUE(find<ev::Bound>(answer({}, false))) << (error_ ? error_->to_string() : "");
}

TEST_F(SpnegoLegs, AClosingAnswerOtherThanAcceptCompletedFailsTheBind) {
  for (std::uint8_t state : {1, 2, 3}) {
    SCOPED_TRACE(static_cast<int>(state));
    client_ = ClientAssociation();
    error_.reset();
    bind(kerberos_script());
    (void)answer({0xa1, 0x01, 0x02});
    (void)answer({0xa1, 0x01, 0x04});
    auto events = answer(neg_state(state));
    EXPECT_FALSE(find<ev::Bound>(events));
    ASSERT_TRUE(error_);
    EXPECT_TRUE(error_->is(ClientErrc::auth_failed)) << error_->to_string();
  }
}

TEST_F(SpnegoLegs, ANegTokenInitOrGarbageAsTheClosingAnswerFailsTheBind) {
  for (const Token& closing : {Token{0x60, 0x00}, Token{0xa1, 0x05, 0x30, 0x03}, Token{0xa1, 0x02, 0x30, 0x00}}) {
    client_ = ClientAssociation();
    error_.reset();
    bind(kerberos_script());
    (void)answer({0xa1, 0x01, 0x02});
    (void)answer({0xa1, 0x01, 0x04});
    EXPECT_FALSE(find<ev::Bound>(answer(closing)));
    EXPECT_TRUE(error_);
  }
}

}  // namespace
}  // namespace rampart::runtime
