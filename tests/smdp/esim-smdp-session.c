/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <gnutls/crypto.h>

#include "esim-smdp-session.h"
#include "esim-smdp-util.h"

static void
esim_smdp_random (guint8 *out, gsize len)
{
  if (gnutls_rnd (GNUTLS_RND_NONCE, out, len) != 0)
    g_error ("gnutls_rnd failed");
}

EsimSmdpSession *
esim_smdp_session_new (gboolean es11, const gchar *server_address, const guint8 *euicc_challenge,
                       gint64 lifetime_us)
{
  EsimSmdpSession *self = g_new0 (EsimSmdpSession, 1);

  esim_smdp_random (self->txid, sizeof (self->txid));
  esim_smdp_random (self->server_challenge, sizeof (self->server_challenge));
  memcpy (self->euicc_challenge, euicc_challenge, sizeof (self->euicc_challenge));
  self->txid_hex = esim_smdp_hex_encode (self->txid, sizeof (self->txid));
  self->es11 = es11;
  self->state = ESIM_SMDP_SESSION_INITIATED;
  self->server_address = g_strdup (server_address);
  self->expires = g_get_monotonic_time () + lifetime_us;
  return self;
}

gboolean
esim_smdp_session_holds_order (EsimSmdpSession *self)
{
  return self->order != NULL && g_strcmp0 (self->order->session_txid, self->txid_hex) == 0;
}

void
esim_smdp_session_free (EsimSmdpSession *self)
{
  if (self == NULL)
    return;
  if (esim_smdp_session_holds_order (self))
    esim_smdp_order_release (self->order);
  g_free (self->txid_hex);
  g_free (self->server_address);
  g_clear_pointer (&self->euicc_cert, esim_rsp_cert_free);
  g_free (self->eid);
  g_clear_pointer (&self->smdp_signature2, g_bytes_unref);
  g_free (self);
}
