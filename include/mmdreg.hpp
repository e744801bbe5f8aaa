// mmdreg: validate, repair and register Windows Autopilot / Microsoft Managed Desktop devices.
// This umbrella header includes the whole public C++ API; each concern also has its own header.
#ifndef MMDREG_HPP
#define MMDREG_HPP

#include "mmdreg/autopilot/device_list.hpp"
#include "mmdreg/autopilot/import_session.hpp"
#include "mmdreg/autopilot/payloads.hpp"
#include "mmdreg/autopilot/service_errors.hpp"
#include "mmdreg/csv/dialect.hpp"
#include "mmdreg/csv/merge.hpp"
#include "mmdreg/csv/validator.hpp"
#include "mmdreg/csv/writer.hpp"
#include "mmdreg/diagnostics.hpp"
#include "mmdreg/domain/device.hpp"
#include "mmdreg/domain/device_name.hpp"
#include "mmdreg/domain/profiles.hpp"
#include "mmdreg/domain/random.hpp"
#include "mmdreg/domain/states.hpp"
#include "mmdreg/hash/hardware_hash.hpp"
#include "mmdreg/registry/engine.hpp"
#include "mmdreg/registry/intake.hpp"
#include "mmdreg/registry/storage.hpp"
#include "mmdreg/registry/types.hpp"
#include "mmdreg/result.hpp"
#include "mmdreg/store/sqlite_storage.hpp"
#include "mmdreg/version.hpp"

#endif
