/*
 * libFuzzer target for activation codes, which arrive from QR codes and
 * from any D-Bus caller: a parse either fails with an error or yields a code
 * whose canonical form parses again to the same fields.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "esim-activation-code.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree gchar *text = g_strndup ((const gchar *) data, size);
  g_autoptr (GError) error = NULL;
  g_autoptr (EsimActivationCode) ac = esim_activation_code_parse (text, &error);
  g_autoptr (EsimActivationCode) again = NULL;
  g_autofree gchar *canonical = NULL;

  if (ac == NULL) {
    if (error == NULL)
      abort ();
    return 0;
  }
  canonical = esim_activation_code_to_string (ac);
  again = esim_activation_code_parse (canonical, NULL);
  if (again == NULL || g_strcmp0 (again->smdp_address, ac->smdp_address) != 0
      || g_strcmp0 (again->matching_id, ac->matching_id) != 0
      || g_strcmp0 (again->smdp_oid, ac->smdp_oid) != 0
      || again->confirmation_code_required != ac->confirmation_code_required)
    abort ();
  return 0;
}
