// Explicit instantiations: the NDR20 and NDR64 decoder and encoder are compiled once
// here, so a template error shows up when the ndr layer builds rather than
// in the first stub that uses a member.
#include "rampart/ndr/decoder.hpp"
#include "rampart/ndr/encoder.hpp"

namespace rampart::ndr {

template class BasicDecoder<Ndr20>;
template class BasicEncoder<Ndr20>;
template class BasicDecoder<Ndr64>;
template class BasicEncoder<Ndr64>;

}  // namespace rampart::ndr
