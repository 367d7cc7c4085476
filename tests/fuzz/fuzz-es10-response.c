/*
 * libFuzzer target for everything that parses an eUICC's ES10 answers: the
 * card is untrusted input too. Each parser gets the same bytes; none may
 * crash, leak or read out of bounds, and a success must yield sane values.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "esim-es10-download.h"
#include "esim-es10-parse.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

typedef gboolean (*ParseBool) (GBytes *, GError **);
typedef GPtrArray *(*ParseArray) (GBytes *, GError **);

static void
check_error (gboolean ok, GError *error)
{
  /* a failure always explains itself, a success never carries an error */
  if (ok == (error != NULL))
    abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GBytes) bytes = g_bytes_new (data, size);
  const ParseBool bools[] = {
    esim_es10_parse_set_default_dp_address, esim_es10_parse_remove_notification,
    esim_es10_parse_enable_profile,         esim_es10_parse_disable_profile,
    esim_es10_parse_delete_profile,         esim_es10_parse_memory_reset,
    esim_es10_parse_set_nickname,
  };
  const ParseArray arrays[] = {
    esim_es10_parse_list_notification,
    esim_es10_parse_retrieve_notifications_list,
    esim_es10_parse_rat,
    esim_es10_parse_profiles_info,
  };

  for (guint i = 0; i < G_N_ELEMENTS (bools); i++) {
    g_autoptr (GError) error = NULL;
    gboolean ok = bools[i](bytes, &error);
    check_error (ok, error);
  }
  for (guint i = 0; i < G_N_ELEMENTS (arrays); i++) {
    g_autoptr (GError) error = NULL;
    g_autoptr (GPtrArray) result = arrays[i](bytes, &error);
    check_error (result != NULL, error);
  }
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (EsimConfiguredAddresses) a = esim_es10_parse_configured_addresses (bytes, &error);
    check_error (a != NULL, error);
  }
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (GBytes) c = esim_es10_parse_euicc_challenge (bytes, &error);
    check_error (c != NULL, error);
    if (c != NULL && g_bytes_get_size (c) != 16)
      abort ();
  }
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (EsimEuiccInfo1) i1 = esim_es10_parse_euicc_info1 (bytes, &error);
    check_error (i1 != NULL, error);
  }
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (EsimEuiccInfo2) i2 = esim_es10_parse_euicc_info2 (bytes, &error);
    check_error (i2 != NULL, error);
  }
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (GBytes) signed_resp = esim_es10_parse_cancel_session (bytes, &error);
    check_error (signed_resp != NULL, error);
  }
  {
    g_autoptr (GError) error = NULL;
    g_autofree gchar *eid = esim_es10_parse_eid (bytes, &error);
    check_error (eid != NULL, error);
    if (eid != NULL && strlen (eid) != 32)
      abort ();
  }
  {
    /* from the SM-DP+: the package cut into its ES10 commands */
    g_autoptr (GError) error = NULL;
    g_autoptr (GPtrArray) cmds = esim_bpp_split (bytes, &error);
    check_error (cmds != NULL, error);
    if (cmds != NULL && cmds->len < 5)
      abort ();
  }
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (EsimInstallResult) pir = esim_install_result_parse (bytes, &error);
    check_error (pir != NULL, error);
    if (pir != NULL && pir->success && pir->isdp_aid == NULL)
      abort ();
  }
  return 0;
}
