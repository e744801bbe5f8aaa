// The device record: one row of an upload, whatever the dialect it came from.
#ifndef MMDREG_DOMAIN_DEVICE_HPP
#define MMDREG_DOMAIN_DEVICE_HPP

#include <string>

namespace mmdreg {

/// What an upload says about one device. Every field is text exactly as given: serial numbers keep
/// their leading zeros, and an absent value is empty. Later layers add what they derive (decoded
/// hash, identity, state) beside it rather than in it.
struct device_record {
  std::string manufacturer;
  std::string model;
  std::string serial_number;
  std::string hardware_hash;   ///< base64, as in the file
  std::string product_key_id;  ///< "Windows Product ID"
  std::string group_tag;
  std::string assigned_user;  ///< a user principal name
  std::string order_id;       ///< Partner Center / OEM order id
  std::string purchase_id;    ///< the purchase id an OEM or partner may give instead

  bool operator==(const device_record&) const = default;
};

}  // namespace mmdreg

#endif
