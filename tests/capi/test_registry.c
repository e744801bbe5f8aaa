/* The registry through the C ABI: batches, outcomes, the clock, the Devices blade, exports,
 * deregistration, consent, close and every detectable misuse. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "mmdreg.h"

static char hashes[3][MMDREG_HASH_TEXT_LENGTH + 1];
static const char* const serials[3] = {"SN-ALPHA-1", "SN-BRAVO-2", "SN-CHARLIE-3"};

static void build_hashes(void) {
  size_t i, length = 0;
  for (i = 0; i < 3; ++i) {
    mmdreg_hash_fields fields = MMDREG_HASH_FIELDS_INIT;
    fields.serial_number = serials[i];
    fields.serial_number_length = strlen(serials[i]);
    fields.manufacturer = "Contoso Hardware";
    fields.manufacturer_length = 16;
    fields.model = "Laptop 7";
    fields.model_length = 8;
    fields.smbios_uuid[0] = (uint8_t)(i + 1);
    fields.capture_time = 1735000000;
    CHECK(mmdreg_hash_build(&fields, hashes[i], sizeof hashes[i], &length) == MMDREG_OK);
  }
}

static mmdreg_device_input device(size_t i, uint32_t line) {
  mmdreg_device_input d;
  memset(&d, 0, sizeof d);
  d.serial_number = serials[i];
  d.serial_number_length = strlen(serials[i]);
  d.hardware_hash = hashes[i];
  d.hardware_hash_length = strlen(hashes[i]);
  d.line = line;
  return d;
}

static mmdreg_registration batch(uint32_t organization, const mmdreg_device_input* devices,
                                 size_t count) {
  mmdreg_registration r;
  memset(&r, 0, sizeof r);
  r.version = MMDREG_REGISTRATION_VERSION;
  r.by.kind = MMDREG_ACTOR_TENANT_ADMIN;
  r.by.id = organization;
  r.organization = organization;
  r.via = MMDREG_CHANNEL_DEVICES_BLADE;
  r.profile = MMDREG_PROFILE_STANDARD;
  r.devices = devices;
  r.device_count = count;
  return r;
}

static int find_row(const mmdreg_devices* devices, uint32_t id, mmdreg_device_row* found) {
  size_t count = 0, i;
  if (mmdreg_devices_count(devices, &count) != MMDREG_OK) return 0;
  for (i = 0; i < count; ++i)
    if (mmdreg_devices_row(devices, i, found) == MMDREG_OK && found->id == id) return 1;
  return 0;
}

static void lifecycle(void) {
  mmdreg_registry_options options = MMDREG_REGISTRY_OPTIONS_INIT;
  mmdreg_registry* registry = NULL;
  uint32_t contoso = 0, fabrikam = 0, request = 0;
  mmdreg_device_input inputs[3];
  mmdreg_device_outcome outcomes[3];
  mmdreg_registration registration;
  mmdreg_devices* devices = NULL;
  mmdreg_device_row row;
  int64_t now = 0;
  char text[8192];
  char small[4];
  size_t length = 0;

  options.seed = 42;
  CHECK(mmdreg_registry_create(&options, &registry) == MMDREG_OK && registry != NULL);
  CHECK_STR(mmdreg_registry_last_error(registry), "");
  CHECK(mmdreg_registry_now(registry, &now) == MMDREG_OK && now == 1735689600);
  CHECK(mmdreg_registry_add_organization(registry, "Contoso", 7, &contoso) == MMDREG_OK);
  CHECK(mmdreg_registry_add_organization(registry, "Fabrikam", 8, &fabrikam) == MMDREG_OK);
  CHECK(contoso != fabrikam);

  inputs[0] = device(0, 2);
  inputs[1] = device(1, 3);
  inputs[2] = device(2, 4);
  inputs[2].hardware_hash_length = 100; /* cut: not a valid hash */
  registration = batch(contoso, inputs, 3);
  CHECK(mmdreg_registry_register(registry, &registration, outcomes, &request) == MMDREG_OK);
  CHECK(request >= 1);
  CHECK(outcomes[0].line == 2 && outcomes[0].failed == 0 && outcomes[0].device != 0);
  CHECK(outcomes[1].line == 3 && outcomes[1].failed == 0 && outcomes[1].device != 0);
  CHECK(outcomes[0].device != outcomes[1].device);
  CHECK(outcomes[2].line == 4 && outcomes[2].failed == 1);
  CHECK(outcomes[2].error == MMDREG_ERROR_HARDWARE_HASH_NOT_VALID);
  CHECK_STR(outcomes[2].request_id, "");

  /* The Devices blade right after the batch: pending, with the profile asked for. */
  CHECK(mmdreg_registry_devices(registry, contoso, &devices) == MMDREG_OK);
  CHECK(find_row(devices, outcomes[0].device, &row));
  CHECK(row.state == MMDREG_STATE_PENDING && row.profile == MMDREG_PROFILE_STANDARD);
  CHECK_STR(row.serial_number, "SN-ALPHA-1");
  CHECK_STR(row.manufacturer, "Contoso Hardware");
  CHECK(row.shared == 0 && row.has_error == 0 && row.via == MMDREG_CHANNEL_DEVICES_BLADE);
  CHECK(row.registered_at == 1735689600);
  CHECK_STR(mmdreg_devices_last_error(devices), "");
  CHECK(mmdreg_devices_row(devices, 1000, &row) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_devices_row", "index 1000 is past the");
  CHECK_MESSAGE(mmdreg_devices_last_error(devices), "mmdreg_devices_row", "index 1000 is past the");
  /* The registry's own message is not the snapshot's. */
  CHECK_STR(mmdreg_registry_last_error(registry), "");
  CHECK(mmdreg_devices_row(devices, 0, NULL) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_devices_last_error(devices), "mmdreg_devices_row", "out is NULL");
  CHECK(mmdreg_devices_row(NULL, 0, &row) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_devices_row", "devices is NULL");
  CHECK(mmdreg_devices_count(NULL, &length) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_devices_count", "devices is NULL");
  CHECK_MESSAGE(mmdreg_devices_last_error(devices), "mmdreg_devices_row", "out is NULL");
  CHECK(mmdreg_devices_count(devices, NULL) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_devices_last_error(devices), "mmdreg_devices_count", "count is NULL");
  CHECK(mmdreg_devices_count(devices, &length) == MMDREG_OK);
  CHECK_STR(mmdreg_devices_last_error(devices), "");
  CHECK_STR(mmdreg_devices_last_error(NULL), "");
  mmdreg_devices_free_and_clear(&devices);
  CHECK(devices == NULL);
  mmdreg_devices_free_and_clear(&devices);
  mmdreg_devices_free_and_clear(NULL);
  mmdreg_devices_free(NULL);

  /* A pending device cannot be removed. */
  CHECK(mmdreg_registry_deregister(registry, contoso, outcomes[0].device) != MMDREG_OK);
  CHECK(strlen(mmdreg_registry_last_error(registry)) > 0);

  /* Two hours later the workflow and the hourly validation have run. */
  CHECK(mmdreg_registry_advance(registry, 2 * 3600) == MMDREG_OK);
  CHECK_STR(mmdreg_registry_last_error(registry), "");
  CHECK(mmdreg_registry_now(registry, &now) == MMDREG_OK && now == 1735689600 + 7200);
  CHECK(mmdreg_registry_devices(registry, contoso, &devices) == MMDREG_OK);
  CHECK(find_row(devices, outcomes[0].device, &row));
  CHECK(row.state == MMDREG_STATE_READY_FOR_USER);
  CHECK(row.has_ring == 1 && strlen(row.name) == 15);
  mmdreg_devices_free(devices);

  /* The failures of the batch, in both formats; a small buffer gets the size. */
  CHECK(mmdreg_registry_export_failures(registry, contoso, request, MMDREG_EXPORT_CSV, text,
                                        sizeof text, &length) == MMDREG_OK);
  CHECK(strstr(text, "Hardware hash not valid") != NULL && strstr(text, "SN-CHARLIE-3") != NULL);
  CHECK(strlen(text) == length);
  CHECK(mmdreg_registry_export_failures(registry, contoso, request, MMDREG_EXPORT_JSON, text,
                                        sizeof text, &length) == MMDREG_OK);
  CHECK(text[0] == '[' || text[0] == '{');
  CHECK(strstr(text, "Hardware hash not valid") != NULL);
  CHECK(mmdreg_registry_export_failures(registry, contoso, request, MMDREG_EXPORT_CSV, small,
                                        sizeof small, &length) == MMDREG_EBUFFER);
  CHECK(length > sizeof small);
  CHECK(mmdreg_registry_export_failures(registry, contoso, request, (mmdreg_export_format)2, text,
                                        sizeof text, &length) == MMDREG_EINVAL);
  CHECK(mmdreg_registry_export_failures(registry, contoso, request, MMDREG_EXPORT_CSV, text,
                                        sizeof text, NULL) == MMDREG_EINVAL);
  CHECK(mmdreg_registry_export_failures(registry, contoso, 999, MMDREG_EXPORT_CSV, text,
                                        sizeof text, &length) != MMDREG_OK);

  /* The audit trail names the devices. */
  CHECK(mmdreg_registry_export_audit(registry, contoso, MMDREG_EXPORT_CSV, text, sizeof text,
                                     &length) == MMDREG_OK);
  CHECK(strstr(text, "SN-ALPHA-1") != NULL && strstr(text, "SN-BRAVO-2") != NULL);
  CHECK(mmdreg_registry_export_audit(registry, contoso, MMDREG_EXPORT_JSON, text, sizeof text,
                                     &length) == MMDREG_OK);
  CHECK(strstr(text, "SN-ALPHA-1") != NULL);
  CHECK(mmdreg_registry_export_audit(registry, contoso, MMDREG_EXPORT_CSV, small, sizeof small,
                                     &length) == MMDREG_EBUFFER);
  CHECK(mmdreg_registry_export_audit(registry, contoso, (mmdreg_export_format)-1, text, sizeof text,
                                     &length) == MMDREG_EINVAL);

  /* Again in the same organization, and in another one. */
  registration = batch(contoso, inputs, 1);
  CHECK(mmdreg_registry_register(registry, &registration, outcomes, NULL) == MMDREG_OK);
  CHECK(outcomes[0].failed == 1 && outcomes[0].error == MMDREG_ERROR_DEVICE_ALREADY_REGISTERED);
  registration = batch(fabrikam, inputs + 1, 1);
  CHECK(mmdreg_registry_register(registry, &registration, outcomes, NULL) == MMDREG_OK);
  CHECK(outcomes[0].failed == 1 &&
        outcomes[0].error == MMDREG_ERROR_DEVICE_CLAIMED_BY_ANOTHER_ORGANIZATION);

  /* Deregistration of a ready device releases it: Fabrikam may then register it. */
  registration = batch(contoso, inputs, 2);
  CHECK(mmdreg_registry_register(registry, &registration, outcomes, NULL) == MMDREG_OK);
  {
    uint32_t bravo = 0;
    CHECK(mmdreg_registry_devices(registry, contoso, &devices) == MMDREG_OK);
    {
      size_t count = 0, i;
      CHECK(mmdreg_devices_count(devices, &count) == MMDREG_OK);
      for (i = 0; i < count; ++i)
        if (mmdreg_devices_row(devices, i, &row) == MMDREG_OK &&
            strcmp(row.serial_number, "SN-BRAVO-2") == 0 && row.state != MMDREG_STATE_FAILED)
          bravo = row.id;
    }
    mmdreg_devices_free(devices);
    CHECK(bravo != 0);
    CHECK(mmdreg_registry_deregister(registry, contoso, bravo) == MMDREG_OK);
    CHECK(mmdreg_registry_deregister(registry, contoso, bravo) != MMDREG_OK);
  }
  registration = batch(fabrikam, inputs + 1, 1);
  CHECK(mmdreg_registry_register(registry, &registration, outcomes, NULL) == MMDREG_OK);
  CHECK(outcomes[0].failed == 0);

  /* Close: every later call is refused with ECLOSED, the handle keeps its message. */
  CHECK(mmdreg_registry_close(registry) == MMDREG_OK);
  CHECK(mmdreg_registry_close(registry) == MMDREG_ECLOSED);
  CHECK_MESSAGE(mmdreg_registry_last_error(registry), "mmdreg_registry_close", "closed");
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_registry_close", "closed");
  CHECK(mmdreg_registry_now(registry, &now) == MMDREG_ECLOSED);
  CHECK_MESSAGE(mmdreg_registry_last_error(registry), "mmdreg_registry_now", "closed");
  CHECK(mmdreg_registry_advance(registry, 1) == MMDREG_ECLOSED);
  CHECK(mmdreg_registry_add_organization(registry, "X", 1, &contoso) == MMDREG_ECLOSED);
  CHECK(mmdreg_registry_add_partner(registry, "X", 1, &contoso) == MMDREG_ECLOSED);
  CHECK(mmdreg_registry_grant_partner_consent(registry, 1, 1) == MMDREG_ECLOSED);
  CHECK(mmdreg_registry_register(registry, &registration, outcomes, NULL) == MMDREG_ECLOSED);
  CHECK(mmdreg_registry_deregister(registry, 1, 1) == MMDREG_ECLOSED);
  CHECK(mmdreg_registry_devices(registry, 1, &devices) == MMDREG_ECLOSED);
  CHECK(mmdreg_registry_export_failures(registry, 1, 1, MMDREG_EXPORT_CSV, text, sizeof text,
                                        &length) == MMDREG_ECLOSED);
  CHECK(mmdreg_registry_export_audit(registry, 1, MMDREG_EXPORT_CSV, text, sizeof text, &length) ==
        MMDREG_ECLOSED);
  CHECK_MESSAGE(mmdreg_registry_last_error(registry), "mmdreg_registry_export_audit", "closed");
  mmdreg_registry_free_and_clear(&registry);
  CHECK(registry == NULL);
  mmdreg_registry_free_and_clear(&registry);
  mmdreg_registry_free_and_clear(NULL);
  mmdreg_registry_free(NULL);
}

static void partners_need_consent(void) {
  mmdreg_registry* registry = NULL;
  uint32_t org = 0, partner = 0;
  mmdreg_device_input input;
  mmdreg_device_outcome outcome;
  mmdreg_registration registration;

  CHECK(mmdreg_registry_create(NULL, &registry) == MMDREG_OK);
  CHECK(mmdreg_registry_add_organization(registry, "Contoso", 7, &org) == MMDREG_OK);
  CHECK(mmdreg_registry_add_partner(registry, "Northwind", 9, &partner) == MMDREG_OK);
  input = device(0, 2);
  registration = batch(org, &input, 1);
  registration.by.kind = MMDREG_ACTOR_CSP_PARTNER;
  registration.by.id = partner;
  registration.via = MMDREG_CHANNEL_PARTNER_CENTER;
  registration.order_id = "PO-1";
  registration.order_id_length = 4;
  CHECK(mmdreg_registry_register(registry, &registration, &outcome, NULL) == MMDREG_EREFUSED);
  CHECK(strlen(mmdreg_registry_last_error(registry)) > 0);
  CHECK(mmdreg_registry_grant_partner_consent(registry, org, partner) == MMDREG_OK);
  CHECK(mmdreg_registry_register(registry, &registration, &outcome, NULL) == MMDREG_OK);
  CHECK(outcome.failed == 0);
  CHECK(mmdreg_registry_grant_partner_consent(registry, org, partner + 100) != MMDREG_OK);
  mmdreg_registry_free(registry); /* free without close closes */
}

static void misuse(void) {
  mmdreg_registry* registry = NULL;
  mmdreg_registry_options options = MMDREG_REGISTRY_OPTIONS_INIT;
  uint32_t org = 0, id = 0;
  int64_t now = 0;
  mmdreg_device_input input;
  mmdreg_device_outcome outcome;
  mmdreg_registration registration;
  mmdreg_devices* devices = NULL;
  char text[16];
  size_t length = 0;

  options.version = 9;
  CHECK(mmdreg_registry_create(&options, &registry) == MMDREG_EUNSUPPORTED && registry == NULL);
  CHECK(mmdreg_registry_create(NULL, NULL) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_registry_create", "out is NULL");
  CHECK(mmdreg_registry_create(NULL, &registry) == MMDREG_OK);
  CHECK(mmdreg_registry_add_organization(registry, "Contoso", 7, &org) == MMDREG_OK);

  CHECK_STR(mmdreg_registry_last_error(NULL), "");
  CHECK(mmdreg_registry_close(NULL) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_registry_close", "registry is NULL");
  CHECK(mmdreg_registry_now(NULL, &now) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_registry_now", "registry is NULL");
  CHECK(mmdreg_registry_now(registry, NULL) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_registry_last_error(registry), "mmdreg_registry_now",
                "unix_seconds is NULL");
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_registry_now", "unix_seconds is NULL");
  CHECK(mmdreg_registry_advance(NULL, 1) == MMDREG_EINVAL);
  CHECK(mmdreg_registry_advance(registry, -1) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_registry_last_error(registry), "mmdreg_registry_advance",
                "the clock cannot go back");
  CHECK(mmdreg_registry_add_organization(NULL, "X", 1, &id) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_registry_add_organization", "registry is NULL");
  CHECK(mmdreg_registry_add_organization(registry, NULL, 1, &id) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_registry_last_error(registry), "mmdreg_registry_add_organization",
                "name is NULL with a non-zero length");
  CHECK(mmdreg_registry_add_organization(registry, "X", 1, NULL) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_registry_last_error(registry), "mmdreg_registry_add_organization",
                "organization is NULL");
  CHECK(mmdreg_registry_add_partner(NULL, "X", 1, &id) == MMDREG_EINVAL);
  CHECK(mmdreg_registry_add_partner(registry, NULL, 1, &id) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_registry_last_error(registry), "mmdreg_registry_add_partner",
                "name is NULL with a non-zero length");
  CHECK(mmdreg_registry_add_partner(registry, "X", 1, NULL) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_registry_last_error(registry), "mmdreg_registry_add_partner",
                "partner is NULL");
  CHECK(mmdreg_registry_grant_partner_consent(NULL, org, 1) == MMDREG_EINVAL);
  CHECK(mmdreg_registry_deregister(NULL, org, 1) == MMDREG_EINVAL);
  CHECK(mmdreg_registry_deregister(registry, org, 12345) == MMDREG_ENOTFOUND);
  CHECK(mmdreg_registry_devices(NULL, org, &devices) == MMDREG_EINVAL);
  CHECK(mmdreg_registry_devices(registry, org, NULL) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_registry_last_error(registry), "mmdreg_registry_devices", "out is NULL");
  CHECK(mmdreg_registry_devices(registry, 777, &devices) != MMDREG_OK);
  CHECK(mmdreg_registry_export_failures(NULL, org, 1, MMDREG_EXPORT_CSV, text, sizeof text,
                                        &length) == MMDREG_EINVAL);
  CHECK(mmdreg_registry_export_audit(NULL, org, MMDREG_EXPORT_CSV, text, sizeof text, &length) ==
        MMDREG_EINVAL);
  CHECK(mmdreg_registry_export_audit(registry, org, MMDREG_EXPORT_CSV, text, sizeof text, NULL) ==
        MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_registry_last_error(registry), "mmdreg_registry_export_audit",
                "length is NULL");
  CHECK(mmdreg_registry_export_failures(registry, org, 1, (mmdreg_export_format)-1, text,
                                        sizeof text, &length) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_registry_last_error(registry), "mmdreg_registry_export_failures",
                "unknown export format -1");

  input = device(0, 2);
  registration = batch(org, &input, 1);
  CHECK(mmdreg_registry_register(NULL, &registration, &outcome, NULL) == MMDREG_EINVAL);
  CHECK(mmdreg_registry_register(registry, NULL, &outcome, NULL) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_registry_last_error(registry), "mmdreg_registry_register",
                "registration is NULL");
  CHECK(mmdreg_registry_register(registry, &registration, NULL, NULL) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_registry_last_error(registry), "mmdreg_registry_register",
                "outcomes is NULL");
  registration.version = 0;
  CHECK(mmdreg_registry_register(registry, &registration, &outcome, NULL) == MMDREG_EUNSUPPORTED);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_registry_register", "registration version 0");
  registration = batch(org, NULL, 1);
  CHECK(mmdreg_registry_register(registry, &registration, &outcome, NULL) == MMDREG_EINVAL);
  registration = batch(org, &input, 1);
  registration.profile = (mmdreg_profile)4;
  CHECK(mmdreg_registry_register(registry, &registration, &outcome, NULL) == MMDREG_EINVAL);
  registration = batch(org, &input, 1);
  registration.via = (mmdreg_channel)5;
  CHECK(mmdreg_registry_register(registry, &registration, &outcome, NULL) == MMDREG_EINVAL);
  registration.via = (mmdreg_channel)-3; /* any int a C caller passes is answered */
  CHECK(mmdreg_registry_register(registry, &registration, &outcome, NULL) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_registry_register", "unknown channel -3");
  registration = batch(org, &input, 1);
  registration.by.kind = (mmdreg_actor_kind)4;
  CHECK(mmdreg_registry_register(registry, &registration, &outcome, NULL) == MMDREG_EINVAL);
  registration = batch(org, &input, 1);
  registration.order_id_length = 3;
  CHECK(mmdreg_registry_register(registry, &registration, &outcome, NULL) == MMDREG_EINVAL);
  input.model_length = 5; /* model NULL with a length */
  registration = batch(org, &input, 1);
  CHECK(mmdreg_registry_register(registry, &registration, &outcome, NULL) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_registry_last_error(registry), "mmdreg_registry_register",
                "devices[0].model is NULL with a non-zero length");
  input = device(0, 2);
  /* Power user cannot be shared: the batch is refused, nothing recorded. */
  registration = batch(org, &input, 1);
  registration.profile = MMDREG_PROFILE_POWER_USER;
  registration.shared = 1;
  CHECK(mmdreg_registry_register(registry, &registration, &outcome, NULL) != MMDREG_OK);
  CHECK(mmdreg_registry_devices(registry, org, &devices) == MMDREG_OK);
  CHECK(mmdreg_devices_count(devices, &length) == MMDREG_OK && length == 0);
  mmdreg_devices_free(devices);
  /* An empty batch (NULL arrays are allowed for it) is refused by the registry with a reason. */
  registration = batch(org, NULL, 0);
  CHECK(mmdreg_registry_register(registry, &registration, NULL, NULL) == MMDREG_EINVAL);
  CHECK(strstr(mmdreg_registry_last_error(registry), "no devices") != NULL);
  mmdreg_registry_free(registry);
}

/* A registry file outlives its handle: reopening restores devices, states and the clock. */
static void durable(void) {
  char path[] = "/tmp/mmdreg-capi-XXXXXX";
  char file[64];
  int fd = mkstemp(path);
  mmdreg_registry_options options = MMDREG_REGISTRY_OPTIONS_INIT;
  mmdreg_registry* registry = NULL;
  mmdreg_devices* devices = NULL;
  mmdreg_device_row row;
  mmdreg_device_input inputs[2];
  mmdreg_device_outcome outcomes[2];
  mmdreg_registration registration;
  uint32_t org = 0, request = 0;
  int64_t now = 0;
  size_t count = 0;
  FILE* foreign;
  mmdreg_status status;

  CHECK(fd >= 0);
  close(fd);
  unlink(path);
  snprintf(file, sizeof file, "%s.db", path);
  options.seed = 9;
  CHECK(mmdreg_registry_open(file, strlen(file), &options, 0, &registry) == MMDREG_OK);
  CHECK(mmdreg_registry_add_organization(registry, "Contoso", 7, &org) == MMDREG_OK);
  inputs[0] = device(0, 2);
  inputs[1] = device(1, 3);
  registration = batch(org, inputs, 2);
  CHECK(mmdreg_registry_register(registry, &registration, outcomes, &request) == MMDREG_OK);
  CHECK(mmdreg_registry_advance(registry, 600) == MMDREG_OK);
  mmdreg_registry_free_and_clear(&registry);

  CHECK(mmdreg_registry_open(file, strlen(file), NULL, 0, &registry) == MMDREG_OK);
  CHECK(mmdreg_registry_now(registry, &now) == MMDREG_OK && now == 1735689600 + 600);
  CHECK(mmdreg_registry_devices(registry, org, &devices) == MMDREG_OK);
  CHECK(mmdreg_devices_count(devices, &count) == MMDREG_OK && count == 2);
  CHECK(find_row(devices, outcomes[0].device, &row) && row.state == MMDREG_STATE_READY_FOR_USER);
  mmdreg_devices_free(devices);
  mmdreg_registry_free_and_clear(&registry);

  /* Read-only: reads work, changes are refused and leave the file as it was. */
  CHECK(mmdreg_registry_open(file, strlen(file), NULL, 1, &registry) == MMDREG_OK);
  status = mmdreg_registry_advance(registry, 3600);
  CHECK(status == MMDREG_EREFUSED);
  if (status != MMDREG_EREFUSED)
    fprintf(stderr, "advance: %d %s\n", status, mmdreg_registry_last_error(registry));
  CHECK(strstr(mmdreg_registry_last_error(registry), file) != NULL);
  mmdreg_registry_free_and_clear(&registry);

  /* Bad files and arguments. */
  CHECK(mmdreg_registry_open("/nonexistent/dir/x.db", 21, NULL, 1, &registry) == MMDREG_ENOTFOUND);
  CHECK(registry == NULL);
  foreign = fopen(path, "wb");
  CHECK(foreign != NULL);
  if (foreign != NULL) {
    fputs("this is not a registry, just some text that is long enough to be a header........",
          foreign);
    fclose(foreign);
  }
  CHECK(mmdreg_registry_open(path, strlen(path), NULL, 0, &registry) == MMDREG_EUNSUPPORTED);
  CHECK(strstr(mmdreg_last_error(), path) != NULL);
  CHECK(mmdreg_registry_open(NULL, 4, NULL, 0, &registry) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_registry_open", "path is NULL with a non-zero length");
  CHECK(mmdreg_registry_open(file, 0, NULL, 0, &registry) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_registry_open", "the path is empty");
  CHECK(mmdreg_registry_open(file, strlen(file), NULL, 0, NULL) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_registry_open", "out is NULL");

  unlink(path);
  unlink(file);
  snprintf(file, sizeof file, "%s.db-wal", path);
  unlink(file);
  snprintf(file, sizeof file, "%s.db-shm", path);
  unlink(file);
}

/* A registry file whose name is UTF-8 beyond ASCII ("Gerätelager-東京"): opened by exactly that
 * name, reopened, and named in messages as given. */
static void utf8_path(void) {
  char directory[] = "/tmp/mmdreg-capi-utf8-XXXXXX";
  char file[128];
  mmdreg_registry* registry = NULL;
  uint32_t org = 0;
  FILE* f;

  CHECK(mkdtemp(directory) != NULL);
  snprintf(file, sizeof file, "%s/Ger\xC3\xA4telager-\xE6\x9D\xB1\xE4\xBA\xAC.db", directory);
  CHECK(mmdreg_registry_open(file, strlen(file), NULL, 0, &registry) == MMDREG_OK);
  CHECK(mmdreg_registry_add_organization(registry, "Contoso", 7, &org) == MMDREG_OK);
  mmdreg_registry_free_and_clear(&registry);
  /* The bytes of the name reached the file system unchanged. */
  f = fopen(file, "rb");
  CHECK(f != NULL);
  if (f != NULL) fclose(f);
  CHECK(mmdreg_registry_open(file, strlen(file), NULL, 1, &registry) == MMDREG_OK);
  CHECK(mmdreg_registry_advance(registry, 1) == MMDREG_EREFUSED);
  CHECK(strstr(mmdreg_registry_last_error(registry),
               "Ger\xC3\xA4telager-\xE6\x9D\xB1\xE4\xBA\xAC.db") != NULL);
  mmdreg_registry_free_and_clear(&registry);
  CHECK(unlink(file) == 0);
  {
    char extra[160];
    snprintf(extra, sizeof extra, "%s-wal", file);
    unlink(extra);
    snprintf(extra, sizeof extra, "%s-shm", file);
    unlink(extra);
  }
  CHECK(rmdir(directory) == 0);
}

int main(void) {
  build_hashes();
  lifecycle();
  partners_need_consent();
  misuse();
  durable();
  utf8_path();
  return check_report();
}
