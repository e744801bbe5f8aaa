// A finding as the C ABI shows it, shared by the validation report and the upload result so both
// fill mmdreg_finding alike. Internal to capi/.
#ifndef MMDREG_CAPI_FINDINGS_HPP
#define MMDREG_CAPI_FINDINGS_HPP

#include "mmdreg.h"
#include "mmdreg/diagnostics.hpp"

namespace mmdreg::capi {

/// `d` as an mmdreg_finding whose strings borrow from `d`: valid while `d` lives unchanged.
inline mmdreg_finding finding_of(const diagnostic& d) noexcept {
  mmdreg_finding out{};
  out.rule = static_cast<int>(d.rule);
  out.severity = static_cast<mmdreg_severity>(d.severity);
  out.line = d.line;
  out.column = d.column.c_str();
  out.column_length = d.column.size();
  out.message = d.message.c_str();
  out.message_length = d.message.size();
  out.fix = d.fix.c_str();
  out.fix_length = d.fix.size();
  return out;
}

}  // namespace mmdreg::capi

#endif
