/*
 * libFuzzer target for an SM-DP+/SM-DS answer: the bytes an HTTPS server
 * sends go through the JSON binding's checks and every extractor of
 * ES9+/ES11 parts. Nothing may crash, leak, or complain (criticals abort),
 * and a success must be well-formed.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "esim-es9p.h"
#include "esim-tlv.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);
int LLVMFuzzerInitialize (int *argc, char ***argv);

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  /* json-glib's typed getters warn with a critical on a wrong type: that
   * would be a bug in our checks, so it must stop the fuzzer */
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  return 0;
}

static void
check_tlv (GBytes *part, guint32 tag)
{
  EsimTlv tlv;

  if (part != NULL && !esim_tlv_decode_expect (part, tag, &tlv, NULL))
    abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GBytes) body = g_bytes_new (data, size);
  g_autoptr (GBytes) txid = g_bytes_new ("\x01\x02\x03\x04", 4);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) answer = esim_rsp_parse_answer ("fuzz", 200, body, &error);

  /* the same bytes as an HTTP error body and as a notification's answer:
   * SGP.22 codes may be parsed from either, and neither may crash */
  {
    g_autoptr (GError) http_error = NULL;
    g_autoptr (JsonObject) refused = esim_rsp_parse_answer ("fuzz", 400, body, &http_error);
    g_autoptr (JsonObject) ack = esim_rsp_parse_answer ("handleNotification", 200, body, NULL);

    if (refused != NULL || http_error == NULL)
      abort ();
    /* an acknowledgement is an object or nothing: touching it must be safe */
    if (ack != NULL)
      (void) json_object_get_size (ack);
  }

  if (answer == NULL) {
    if (error == NULL)
      abort ();
    return 0;
  }
  {
    g_autoptr (EsimRspAuthentication) a = esim_rsp_authentication_from_json (answer, NULL);
    if (a != NULL) {
      check_tlv (a->server_signed1, 0x30);
      check_tlv (a->server_signature1, 0x5F37);
      check_tlv (a->euicc_ci_pkid, 0x04);
      check_tlv (a->server_certificate, 0x30);
    }
  }
  {
    g_autoptr (EsimRspClientAuthentication) c
      = esim_rsp_client_authentication_from_json (answer, NULL, NULL);
    if (c != NULL)
      check_tlv (c->profile_metadata, 0xBF25);
  }
  {
    g_autoptr (GBytes) bpp = esim_rsp_bound_profile_package_from_json (answer, txid, NULL);
    check_tlv (bpp, 0xBF36);
  }
  {
    g_autoptr (GPtrArray) events = esim_rsp_events_from_json (answer, NULL, NULL);
    for (guint i = 0; events != NULL && i < events->len; i++) {
      EsimRspEvent *e = g_ptr_array_index (events, i);
      if (e->event_id == NULL || e->rsp_server_address == NULL)
        abort ();
    }
  }
  return 0;
}
