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
  /* The engine's refusal, named after the C function like every other failure. */
  CHECK_MESSAGE(mmdreg_registry_last_error(registry), "mmdreg_registry_register", "consent");
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_registry_register", "consent");
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
  CHECK_MESSAGE(mmdreg_registry_last_error(registry), "mmdreg_registry_deregister",
                "Device not found");
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
  CHECK_MESSAGE(mmdreg_registry_last_error(registry), "mmdreg_registry_advance", "read-only");
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

/* ---- mmdreg_registry_register_upload ----------------------------------------------------------
 */

static char upload_text[5 * (MMDREG_HASH_TEXT_LENGTH + 128)];

/* A CSV upload: header, then `count` rows "serial,,hash,tag" (hash cut to `cut` characters when
 * non-zero). */
static size_t csv_upload(const size_t* devices, const char* const* tags, const size_t* cut,
                         size_t count) {
  size_t i, used;
  used = (size_t)sprintf(upload_text,
                         "Device Serial Number,Windows Product ID,Hardware Hash,Group Tag\r\n");
  for (i = 0; i < count; ++i) {
    const size_t d = devices[i];
    const int hash_length = (int)(cut[i] != 0 ? cut[i] : strlen(hashes[d]));
    used += (size_t)sprintf(upload_text + used, "%s,,%.*s,%s\r\n", serials[d], hash_length,
                            hashes[d], tags[i]);
  }
  return used;
}

static mmdreg_upload upload_of(uint32_t organization, size_t length) {
  mmdreg_upload u = MMDREG_UPLOAD_INIT;
  u.by.id = organization;
  u.organization = organization;
  u.content = upload_text;
  u.content_length = length;
  return u;
}

static size_t blade_size(mmdreg_registry* registry, uint32_t organization) {
  mmdreg_devices* devices = NULL;
  size_t count = 0;
  if (mmdreg_registry_devices(registry, organization, &devices) != MMDREG_OK) return (size_t)-1;
  mmdreg_devices_count(devices, &count);
  mmdreg_devices_free(devices);
  return count;
}

static void upload_csv_and_json(void) {
  static const size_t json_devices[2] = {2, 1};
  static const size_t csv_devices[3] = {0, 1, 2};
  static const char* const csv_tags[3] = {"Microsoft365Managed_Kiosk", "",
                                          "Microsoft365Managed_Standard"};
  static const size_t csv_cut[3] = {0, 1452, 0};
  mmdreg_registry* registry = NULL;
  mmdreg_upload_result* result = NULL;
  mmdreg_upload upload;
  mmdreg_finding finding;
  mmdreg_upload_device device;
  mmdreg_profile profile = MMDREG_PROFILE_KIOSK;
  uint64_t rows = 0, rejected = 0, accepted = 0, failed = 0, retagged = 0;
  uint32_t contoso = 0, fabrikam = 0, request = 0;
  size_t count = 0, length = 0, used, i;
  int submitted = 0, file_rejected = 1, shared = 1;
  char exported[8192];

  CHECK(mmdreg_registry_create(NULL, &registry) == MMDREG_OK);
  CHECK(mmdreg_registry_add_organization(registry, "Contoso", 7, &contoso) == MMDREG_OK);
  CHECK(mmdreg_registry_add_organization(registry, "Fabrikam", 8, &fabrikam) == MMDREG_OK);

  /* A JSON device list (detected): item 1 is accepted, item 2's hash is cut. */
  used = (size_t)sprintf(upload_text,
                         "\r\n [{\"serialNumber\":\"%s\",\"hardwareIdentifier\":\"%s\"},"
                         "{\"serialNumber\":\"%s\",\"hardwareIdentifier\":\"%.1452s\"}]",
                         serials[json_devices[0]], hashes[json_devices[0]],
                         serials[json_devices[1]], hashes[json_devices[1]]);
  upload = upload_of(fabrikam, used);
  CHECK(mmdreg_registry_register_upload(registry, &upload, &result) == MMDREG_OK);
  CHECK_STR(mmdreg_registry_last_error(registry), "");
  CHECK(mmdreg_upload_result_counts(result, &rows, &rejected, &accepted, &failed, &retagged) ==
        MMDREG_OK);
  CHECK(rows == 2 && rejected == 1 && accepted == 1 && failed == 0 && retagged == 0);
  CHECK(mmdreg_upload_result_request(result, &submitted, &request) == MMDREG_OK);
  CHECK(submitted == 1 && request >= 1);
  CHECK(mmdreg_upload_result_finding_count(result, &count) == MMDREG_OK && count >= 1);
  memset(&finding, 0, sizeof finding);
  for (i = 0; i < count; ++i) {
    mmdreg_finding any;
    CHECK(mmdreg_upload_result_finding(result, i, &any) == MMDREG_OK);
    if (strcmp(mmdreg_rule_id(any.rule), "hash-length") == 0) finding = any;
  }
  CHECK_STR(mmdreg_rule_id(finding.rule), "hash-length");
  CHECK(finding.severity == MMDREG_SEVERITY_ERROR && finding.column != NULL);
  CHECK(strncmp(finding.column, "$[1]", 4) == 0 && finding.column_length >= 4);
  CHECK(finding.line == 0);
  CHECK(finding.message_length == strlen(finding.message) && finding.message_length > 0);
  CHECK(mmdreg_upload_result_device_count(result, &count) == MMDREG_OK && count == 1);
  CHECK(mmdreg_upload_result_device(result, 0, &device) == MMDREG_OK);
  CHECK(device.line == 1 && device.failed == 0 && device.device != 0);
  CHECK_STR(device.serial_number, "SN-CHARLIE-3");
  CHECK(device.serial_number_length == 12);
  mmdreg_upload_result_free_and_clear(&result);
  CHECK(result == NULL);
  CHECK(blade_size(registry, fabrikam) == 1);

  /* Detection looks at the first 64 bytes only: past them, the list is taken for CSV (a file
   * rejected whole); named JSON it is read as one, and its device is registered already. */
  {
    static char padded[sizeof upload_text];
    memset(padded, ' ', 70);
    memcpy(padded + 70, upload_text, used);
    upload.content = padded;
    upload.content_length = used + 70;
    CHECK(mmdreg_registry_register_upload(registry, &upload, &result) == MMDREG_OK);
    CHECK(mmdreg_upload_result_file_rejected(result, &file_rejected) == MMDREG_OK);
    CHECK(file_rejected == 1);
    mmdreg_upload_result_free_and_clear(&result);
    upload.format = MMDREG_UPLOAD_JSON;
    CHECK(mmdreg_registry_register_upload(registry, &upload, &result) == MMDREG_OK);
    CHECK(mmdreg_upload_result_request(result, &submitted, NULL) == MMDREG_OK && submitted == 1);
    CHECK(mmdreg_upload_result_device(result, 0, &device) == MMDREG_OK);
    CHECK(device.failed == 1 && device.error == MMDREG_ERROR_DEVICE_ALREADY_REGISTERED);
    CHECK(device.line == 1 && device.device == 0);
    mmdreg_upload_result_free_and_clear(&result);
    upload.content = upload_text;
    upload.content_length = used;
  }

  /* The list named CSV is a rejected file. */
  upload.format = MMDREG_UPLOAD_CSV;
  CHECK(mmdreg_registry_register_upload(registry, &upload, &result) == MMDREG_OK);
  CHECK(mmdreg_upload_result_file_rejected(result, &file_rejected) == MMDREG_OK);
  CHECK(file_rejected == 1);
  CHECK(mmdreg_upload_result_request(result, &submitted, NULL) == MMDREG_OK && submitted == 0);
  mmdreg_upload_result_free_and_clear(&result);
  CHECK(blade_size(registry, fabrikam) == 1);

  /* CSV, the Standard profile chosen: line 2 (tagged Kiosk: retagged) is registered, line 3 is
   * kept out by the rules, line 4's device belongs to Fabrikam already. */
  upload = upload_of(contoso, csv_upload(csv_devices, csv_tags, csv_cut, 3));
  upload.order_id = "PO-7";
  upload.order_id_length = 4;
  CHECK(mmdreg_registry_register_upload(registry, &upload, &result) == MMDREG_OK);
  CHECK(mmdreg_upload_result_counts(result, &rows, &rejected, &accepted, &failed, &retagged) ==
        MMDREG_OK);
  CHECK(rows == 3 && rejected == 1 && accepted == 1 && failed == 1 && retagged == 1);
  CHECK(mmdreg_upload_result_counts(result, NULL, NULL, NULL, NULL, NULL) == MMDREG_OK);
  CHECK(mmdreg_upload_result_file_rejected(result, &file_rejected) == MMDREG_OK);
  CHECK(file_rejected == 0);
  CHECK(mmdreg_upload_result_profile(result, &profile, &shared) == MMDREG_OK);
  CHECK(profile == MMDREG_PROFILE_STANDARD && shared == 0);
  CHECK(mmdreg_upload_result_request(result, &submitted, &request) == MMDREG_OK);
  CHECK(submitted == 1 && request >= 1);
  CHECK(mmdreg_upload_result_finding_count(result, &count) == MMDREG_OK && count == 1);
  CHECK(mmdreg_upload_result_finding(result, 0, &finding) == MMDREG_OK);
  CHECK_STR(mmdreg_rule_id(finding.rule), "hash-length");
  CHECK(finding.line == 3);
  CHECK_STR(finding.column, "Hardware Hash");
  CHECK(mmdreg_upload_result_device_count(result, &count) == MMDREG_OK && count == 2);
  CHECK(mmdreg_upload_result_device(result, 0, &device) == MMDREG_OK);
  CHECK(device.line == 2 && device.failed == 0 && device.device != 0);
  CHECK_STR(device.serial_number, "SN-ALPHA-1");
  CHECK_STR(device.request_id, "");
  CHECK(device.request_id_length == 0);
  CHECK(mmdreg_upload_result_device(result, 1, &device) == MMDREG_OK);
  CHECK(device.line == 4 && device.failed == 1);
  CHECK(device.error == MMDREG_ERROR_DEVICE_CLAIMED_BY_ANOTHER_ORGANIZATION);
  CHECK_STR(device.serial_number, "SN-CHARLIE-3");
  CHECK_STR(mmdreg_upload_result_last_error(result), "");
  /* The request number is the one the failure export knows. */
  CHECK(mmdreg_registry_export_failures(registry, contoso, request, MMDREG_EXPORT_CSV, exported,
                                        sizeof exported, &length) == MMDREG_OK);
  CHECK(strstr(exported, "SN-CHARLIE-3") != NULL && strstr(exported, "SN-ALPHA-1") == NULL);
  mmdreg_upload_result_free(result);
  result = NULL;
  CHECK(blade_size(registry, contoso) == 2); /* the registered device and the failed one */

  /* The rows decide: a file whose rows agree on Kiosk-Shared makes a Kiosk shared batch... */
  {
    static const size_t kiosk_devices[1] = {1};
    static const char* const kiosk_tags[1] = {"Microsoft365Managed_Kiosk-Shared"};
    static const size_t no_cut[2] = {0, 0};
    static const size_t mixed_devices[2] = {0, 1};
    static const char* const mixed_tags[2] = {"Microsoft365Managed_Kiosk",
                                              "Microsoft365Managed_Standard"};
    upload = upload_of(contoso, csv_upload(kiosk_devices, kiosk_tags, no_cut, 1));
    upload.rows_decide = 1;
    upload.profile = (mmdreg_profile)77; /* ignored when the rows decide */
    CHECK(mmdreg_registry_register_upload(registry, &upload, &result) == MMDREG_OK);
    CHECK(mmdreg_upload_result_profile(result, &profile, NULL) == MMDREG_OK);
    CHECK(profile == MMDREG_PROFILE_KIOSK);
    CHECK(mmdreg_upload_result_profile(result, &profile, &shared) == MMDREG_OK && shared == 1);
    CHECK(mmdreg_upload_result_counts(result, NULL, NULL, &accepted, NULL, &retagged) == MMDREG_OK);
    CHECK(accepted == 1 && retagged == 0);
    mmdreg_upload_result_free_and_clear(&result);
    CHECK(blade_size(registry, contoso) == 3);

    /* ...and one mixing two tags is refused whole, nothing recorded. */
    upload = upload_of(contoso, csv_upload(mixed_devices, mixed_tags, no_cut, 2));
    upload.rows_decide = 1;
    CHECK(mmdreg_registry_register_upload(registry, &upload, &result) == MMDREG_EINVAL);
    CHECK(result == NULL);
    CHECK_MESSAGE(mmdreg_registry_last_error(registry), "mmdreg_registry_register_upload",
                  "carries group tag");
    CHECK_STR(mmdreg_last_error(), mmdreg_registry_last_error(registry));
    CHECK(blade_size(registry, contoso) == 3);
  }
  mmdreg_registry_free(registry);
}

static void upload_submits_nothing(void) {
  static const size_t one[1] = {0};
  static const char* const no_tag[1] = {""};
  static const size_t cut[1] = {1452};
  mmdreg_registry* registry = NULL;
  mmdreg_upload_result* result = NULL;
  mmdreg_upload upload;
  uint64_t rows = 9, rejected = 9, accepted = 9, failed = 9;
  uint32_t org = 0, request = 9;
  size_t count = 9;
  int submitted = 9, file_rejected = 9;

  CHECK(mmdreg_registry_create(NULL, &registry) == MMDREG_OK);
  CHECK(mmdreg_registry_add_organization(registry, "Contoso", 7, &org) == MMDREG_OK);

  /* An empty file (NULL + 0 is the empty string) is rejected whole. */
  upload = upload_of(org, 0);
  upload.content = NULL;
  CHECK(mmdreg_registry_register_upload(registry, &upload, &result) == MMDREG_OK);
  CHECK(mmdreg_upload_result_file_rejected(result, &file_rejected) == MMDREG_OK);
  CHECK(file_rejected == 1);
  CHECK(mmdreg_upload_result_request(result, &submitted, &request) == MMDREG_OK);
  CHECK(submitted == 0 && request == 0);
  CHECK(mmdreg_upload_result_device_count(result, &count) == MMDREG_OK && count == 0);
  CHECK(mmdreg_upload_result_finding_count(result, &count) == MMDREG_OK && count >= 1);
  mmdreg_upload_result_free_and_clear(&result);

  /* A header that matches no dialect: rejected whole, its rows never read into a batch. */
  {
    const char* text = "Name,Colour\r\nSN-ALPHA-1,blue\r\n";
    upload.content = text;
    upload.content_length = strlen(text);
    CHECK(mmdreg_registry_register_upload(registry, &upload, &result) == MMDREG_OK);
    CHECK(mmdreg_upload_result_file_rejected(result, &file_rejected) == MMDREG_OK);
    CHECK(file_rejected == 1);
    CHECK(mmdreg_upload_result_request(result, &submitted, &request) == MMDREG_OK);
    CHECK(submitted == 0 && request == 0);
    mmdreg_upload_result_free_and_clear(&result);
  }

  /* A readable file whose every row is rejected: nothing submitted either. */
  upload = upload_of(org, csv_upload(one, no_tag, cut, 1));
  CHECK(mmdreg_registry_register_upload(registry, &upload, &result) == MMDREG_OK);
  CHECK(mmdreg_upload_result_counts(result, &rows, &rejected, &accepted, &failed, NULL) ==
        MMDREG_OK);
  CHECK(rows == 1 && rejected == 1 && accepted == 0 && failed == 0);
  CHECK(mmdreg_upload_result_file_rejected(result, &file_rejected) == MMDREG_OK);
  CHECK(file_rejected == 0);
  CHECK(mmdreg_upload_result_request(result, &submitted, &request) == MMDREG_OK);
  CHECK(submitted == 0 && request == 0);
  mmdreg_upload_result_free_and_clear(&result);
  CHECK(blade_size(registry, org) == 0);
  mmdreg_registry_free(registry);
}

static void upload_refused_without_consent(void) {
  static const size_t one[1] = {0};
  static const char* const no_tag[1] = {""};
  static const size_t no_cut[1] = {0};
  mmdreg_registry* registry = NULL;
  mmdreg_upload_result* result = NULL;
  mmdreg_upload upload;
  uint32_t org = 0, partner = 0;
  uint64_t accepted = 0;
  int submitted = 0;
  char audit_before[8192], audit_after[8192];
  size_t before = 0, after = 0;

  CHECK(mmdreg_registry_create(NULL, &registry) == MMDREG_OK);
  CHECK(mmdreg_registry_add_organization(registry, "Contoso", 7, &org) == MMDREG_OK);
  CHECK(mmdreg_registry_add_partner(registry, "Northwind", 9, &partner) == MMDREG_OK);
  CHECK(mmdreg_registry_export_audit(registry, org, MMDREG_EXPORT_CSV, audit_before,
                                     sizeof audit_before, &before) == MMDREG_OK);
  upload = upload_of(org, csv_upload(one, no_tag, no_cut, 1));
  upload.by.kind = MMDREG_ACTOR_CSP_PARTNER;
  upload.by.id = partner;
  upload.via = MMDREG_CHANNEL_PARTNER_CENTER;
  CHECK(mmdreg_registry_register_upload(registry, &upload, &result) == MMDREG_EREFUSED);
  CHECK(result == NULL);
  CHECK_MESSAGE(mmdreg_registry_last_error(registry), "mmdreg_registry_register_upload", "consent");
  CHECK(blade_size(registry, org) == 0);
  CHECK(mmdreg_registry_export_audit(registry, org, MMDREG_EXPORT_CSV, audit_after,
                                     sizeof audit_after, &after) == MMDREG_OK);
  CHECK(before == after && memcmp(audit_before, audit_after, before) == 0);

  /* Power user + shared is refused as well. */
  upload.by.kind = MMDREG_ACTOR_TENANT_ADMIN;
  upload.by.id = org;
  upload.via = MMDREG_CHANNEL_DEVICES_BLADE;
  upload.profile = MMDREG_PROFILE_POWER_USER;
  upload.shared = 1;
  CHECK(mmdreg_registry_register_upload(registry, &upload, &result) != MMDREG_OK);
  CHECK(result == NULL);
  CHECK(blade_size(registry, org) == 0);

  /* With consent the same upload goes through. */
  CHECK(mmdreg_registry_grant_partner_consent(registry, org, partner) == MMDREG_OK);
  upload.by.kind = MMDREG_ACTOR_CSP_PARTNER;
  upload.by.id = partner;
  upload.via = MMDREG_CHANNEL_PARTNER_CENTER;
  upload.profile = MMDREG_PROFILE_STANDARD;
  upload.shared = 0;
  CHECK(mmdreg_registry_register_upload(registry, &upload, &result) == MMDREG_OK);
  CHECK(mmdreg_upload_result_request(result, &submitted, NULL) == MMDREG_OK && submitted == 1);
  CHECK(mmdreg_upload_result_counts(result, NULL, NULL, &accepted, NULL, NULL) == MMDREG_OK);
  CHECK(accepted == 1);
  mmdreg_upload_result_free(result);
  mmdreg_registry_free(registry);
}

static void upload_misuse(void) {
  static const size_t one[1] = {0};
  static const char* const no_tag[1] = {""};
  static const size_t no_cut[1] = {0};
  const char* const function = "mmdreg_registry_register_upload";
  mmdreg_registry* registry = NULL;
  mmdreg_upload_result* result = NULL;
  mmdreg_upload_result* untouched = (mmdreg_upload_result*)&registry; /* never written */
  mmdreg_upload upload, initialized, defaults = MMDREG_UPLOAD_INIT;
  mmdreg_finding finding;
  mmdreg_upload_device device;
  mmdreg_profile profile;
  uint32_t org = 0;
  size_t count = 0;
  int flag = 0;

  memset(&initialized, 0xAB, sizeof initialized);
  CHECK(mmdreg_upload_init(&initialized) == MMDREG_OK);
  CHECK(initialized.version == MMDREG_UPLOAD_VERSION && initialized.rows_decide == 0);
  CHECK(initialized.profile == defaults.profile && initialized.format == MMDREG_UPLOAD_DETECT);
  CHECK(initialized.content == NULL && initialized.order_id == NULL);
  CHECK(mmdreg_upload_init(NULL) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_upload_init", "upload is NULL");

  CHECK(mmdreg_registry_create(NULL, &registry) == MMDREG_OK);
  CHECK(mmdreg_registry_add_organization(registry, "Contoso", 7, &org) == MMDREG_OK);
  upload = upload_of(org, csv_upload(one, no_tag, no_cut, 1));

  CHECK(mmdreg_registry_register_upload(NULL, &upload, &result) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), function, "registry is NULL");
  CHECK(mmdreg_registry_register_upload(registry, NULL, &result) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_registry_last_error(registry), function, "upload is NULL");
  CHECK(mmdreg_registry_register_upload(registry, &upload, NULL) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_registry_last_error(registry), function, "out is NULL");

  result = untouched;
  upload.version = MMDREG_UPLOAD_VERSION + 1;
  CHECK(mmdreg_registry_register_upload(registry, &upload, &result) == MMDREG_EUNSUPPORTED);
  CHECK_MESSAGE(mmdreg_registry_last_error(registry), function, "upload version 2");
  upload.version = MMDREG_UPLOAD_VERSION;
  upload.content = NULL;
  CHECK(mmdreg_registry_register_upload(registry, &upload, &result) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_registry_last_error(registry), function,
                "content is NULL with a non-zero length");
  upload.content = upload_text;
  upload.format = (mmdreg_upload_format)3;
  CHECK(mmdreg_registry_register_upload(registry, &upload, &result) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_registry_last_error(registry), function, "unknown upload format 3");
  upload.format = (mmdreg_upload_format)-1;
  CHECK(mmdreg_registry_register_upload(registry, &upload, &result) == MMDREG_EINVAL);
  upload.format = MMDREG_UPLOAD_DETECT;
  upload.profile = (mmdreg_profile)4;
  CHECK(mmdreg_registry_register_upload(registry, &upload, &result) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_registry_last_error(registry), function, "unknown profile 4");
  upload.profile = MMDREG_PROFILE_STANDARD;
  upload.by.kind = (mmdreg_actor_kind)-3;
  CHECK(mmdreg_registry_register_upload(registry, &upload, &result) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_registry_last_error(registry), function, "unknown actor kind -3");
  upload.by.kind = MMDREG_ACTOR_TENANT_ADMIN;
  upload.via = (mmdreg_channel)5;
  CHECK(mmdreg_registry_register_upload(registry, &upload, &result) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_registry_last_error(registry), function, "unknown channel 5");
  upload.via = MMDREG_CHANNEL_DEVICES_BLADE;
  upload.order_id_length = 3;
  CHECK(mmdreg_registry_register_upload(registry, &upload, &result) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_registry_last_error(registry), function,
                "order_id is NULL with a non-zero length");
  upload.order_id_length = 0;
  /* A JSON document that is not a device list is refused, naming the function. */
  {
    mmdreg_upload json = upload;
    json.content = "{not json";
    json.content_length = 9;
    CHECK(mmdreg_registry_register_upload(registry, &json, &result) == MMDREG_EINVAL);
    CHECK_MESSAGE(mmdreg_registry_last_error(registry), function, "");
  }
  CHECK(result == untouched); /* no failure wrote the out pointer */
  CHECK(blade_size(registry, org) == 0);

  result = NULL;
  CHECK(mmdreg_registry_register_upload(registry, &upload, &result) == MMDREG_OK);
  CHECK_STR(mmdreg_registry_last_error(registry), "");
  CHECK_STR(mmdreg_last_error(), "");

  /* Accessors: NULL result, NULL outputs, indexes out of range; the result keeps its own error. */
  CHECK(mmdreg_upload_result_request(NULL, &flag, NULL) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_upload_result_request", "result is NULL");
  CHECK(mmdreg_upload_result_request(result, NULL, NULL) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_upload_result_last_error(result), "mmdreg_upload_result_request",
                "submitted is NULL");
  CHECK(mmdreg_upload_result_counts(NULL, NULL, NULL, NULL, NULL, NULL) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_upload_result_counts", "result is NULL");
  CHECK(mmdreg_upload_result_file_rejected(NULL, &flag) == MMDREG_EINVAL);
  CHECK(mmdreg_upload_result_file_rejected(result, NULL) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_upload_result_last_error(result), "mmdreg_upload_result_file_rejected",
                "out is NULL");
  CHECK(mmdreg_upload_result_profile(NULL, &profile, NULL) == MMDREG_EINVAL);
  CHECK(mmdreg_upload_result_profile(result, NULL, &flag) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_upload_result_last_error(result), "mmdreg_upload_result_profile",
                "profile is NULL");
  CHECK(mmdreg_upload_result_finding_count(NULL, &count) == MMDREG_EINVAL);
  CHECK(mmdreg_upload_result_finding_count(result, NULL) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_upload_result_last_error(result), "mmdreg_upload_result_finding_count",
                "count is NULL");
  CHECK(mmdreg_upload_result_finding_count(result, &count) == MMDREG_OK);
  CHECK_STR(mmdreg_upload_result_last_error(result), "");
  CHECK(mmdreg_upload_result_finding(result, count, &finding) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_upload_result_last_error(result), "mmdreg_upload_result_finding",
                "is past the");
  CHECK(mmdreg_upload_result_finding(NULL, 0, &finding) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_upload_result_finding", "result is NULL");
  CHECK(mmdreg_upload_result_finding(result, 0, NULL) == MMDREG_EINVAL);
  CHECK(mmdreg_upload_result_device_count(NULL, &count) == MMDREG_EINVAL);
  CHECK(mmdreg_upload_result_device_count(result, NULL) == MMDREG_EINVAL);
  CHECK(mmdreg_upload_result_device_count(result, &count) == MMDREG_OK && count == 1);
  CHECK(mmdreg_upload_result_device(result, 1, &device) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_upload_result_last_error(result), "mmdreg_upload_result_device",
                "index 1 is past the 1 devices");
  CHECK(mmdreg_upload_result_device(NULL, 0, &device) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_last_error(), "mmdreg_upload_result_device", "result is NULL");
  CHECK(mmdreg_upload_result_device(result, 0, NULL) == MMDREG_EINVAL);
  CHECK_MESSAGE(mmdreg_upload_result_last_error(result), "mmdreg_upload_result_device",
                "out is NULL");
  CHECK(mmdreg_upload_result_device(result, 0, &device) == MMDREG_OK);
  CHECK_STR(mmdreg_upload_result_last_error(result), "");
  CHECK_STR(mmdreg_upload_result_last_error(NULL), "");

  /* The result outlives its registry; a closed registry refuses uploads. */
  CHECK(mmdreg_registry_close(registry) == MMDREG_OK);
  CHECK_STR(device.serial_number, "SN-ALPHA-1");
  CHECK(mmdreg_upload_result_device(result, 0, &device) == MMDREG_OK && device.line == 2);
  mmdreg_upload_result_free_and_clear(&result);
  CHECK(result == NULL);
  mmdreg_upload_result_free_and_clear(&result); /* the double free does nothing */
  mmdreg_upload_result_free_and_clear(NULL);
  mmdreg_upload_result_free(NULL);
  CHECK(mmdreg_registry_register_upload(registry, &upload, &result) == MMDREG_ECLOSED);
  CHECK_MESSAGE(mmdreg_registry_last_error(registry), function, "closed");
  CHECK(result == NULL);
  mmdreg_registry_free(registry);
}

int main(void) {
  build_hashes();
  lifecycle();
  partners_need_consent();
  misuse();
  durable();
  utf8_path();
  upload_csv_and_json();
  upload_submits_nothing();
  upload_refused_without_consent();
  upload_misuse();
  return check_report();
}
