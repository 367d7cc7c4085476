/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "esim-activation-code.h"

/* clang-format off */
G_DEFINE_QUARK (esim-activation-code-error-quark, esim_activation_code_error)
/* clang-format on */

G_DEFINE_BOXED_TYPE (EsimActivationCode, esim_activation_code, esim_activation_code_copy,
                     esim_activation_code_free)

void
esim_activation_code_free (EsimActivationCode *self)
{
  if (self == NULL)
    return;
  g_free (self->smdp_address);
  g_free (self->matching_id);
  g_free (self->smdp_oid);
  g_free (self);
}

EsimActivationCode *
esim_activation_code_copy (const EsimActivationCode *self)
{
  EsimActivationCode *copy = g_new0 (EsimActivationCode, 1);

  copy->smdp_address = g_strdup (self->smdp_address);
  copy->matching_id = g_strdup (self->matching_id);
  copy->smdp_oid = g_strdup (self->smdp_oid);
  copy->confirmation_code_required = self->confirmation_code_required;
  return copy;
}

static gboolean
esim_host_label_valid (const gchar *label, gsize len)
{
  if (len == 0 || len > 63 || label[0] == '-' || label[len - 1] == '-')
    return FALSE;
  for (gsize i = 0; i < len; i++) {
    if (!g_ascii_isalnum (label[i]) && label[i] != '-')
      return FALSE;
  }
  return TRUE;
}

gboolean
esim_smdp_address_validate (const gchar *address, GError **error)
{
  g_autofree gchar *host = NULL;
  const gchar *port = NULL;
  gsize len = strlen (address);

  if (len == 0) {
    g_set_error_literal (error, ESIM_ACTIVATION_CODE_ERROR, ESIM_ACTIVATION_CODE_ERROR_ADDRESS,
                         "the SM-DP+ address is empty");
    return FALSE;
  }
  if (address[0] == '[') {
    const gchar *end = strchr (address, ']');
    g_autoptr (GInetAddress) inet = NULL;
    if (end == NULL) {
      g_set_error_literal (error, ESIM_ACTIVATION_CODE_ERROR, ESIM_ACTIVATION_CODE_ERROR_ADDRESS,
                           "the SM-DP+ address has an unterminated [IPv6] literal");
      return FALSE;
    }
    host = g_strndup (address + 1, (gsize) (end - address - 1));
    inet = g_inet_address_new_from_string (host);
    if (inet == NULL || g_inet_address_get_family (inet) != G_SOCKET_FAMILY_IPV6) {
      g_set_error_literal (error, ESIM_ACTIVATION_CODE_ERROR, ESIM_ACTIVATION_CODE_ERROR_ADDRESS,
                           "the SM-DP+ address has an invalid IPv6 literal");
      return FALSE;
    }
    if (end[1] == ':')
      port = end + 2;
    else if (end[1] != '\0') {
      g_set_error_literal (error, ESIM_ACTIVATION_CODE_ERROR, ESIM_ACTIVATION_CODE_ERROR_ADDRESS,
                           "the SM-DP+ address has text after its IPv6 literal");
      return FALSE;
    }
  } else {
    const gchar *colon = strchr (address, ':');
    host = colon != NULL ? g_strndup (address, (gsize) (colon - address)) : g_strdup (address);
    if (colon != NULL)
      port = colon + 1;
    /* a trailing dot is the DNS root and is allowed */
    len = strlen (host);
    if (len > 0 && host[len - 1] == '.')
      host[--len] = '\0';
    if (len == 0 || len > 253) {
      g_set_error (error, ESIM_ACTIVATION_CODE_ERROR, ESIM_ACTIVATION_CODE_ERROR_ADDRESS,
                   "the SM-DP+ host name has %" G_GSIZE_FORMAT " characters", len);
      return FALSE;
    }
    for (const gchar *label = host; label != NULL;) {
      const gchar *dot = strchr (label, '.');
      gsize label_len = dot != NULL ? (gsize) (dot - label) : strlen (label);
      if (!esim_host_label_valid (label, label_len)) {
        g_set_error_literal (error, ESIM_ACTIVATION_CODE_ERROR, ESIM_ACTIVATION_CODE_ERROR_ADDRESS,
                             "the SM-DP+ address is not a valid host name");
        return FALSE;
      }
      label = dot != NULL ? dot + 1 : NULL;
    }
  }
  if (port != NULL) {
    guint64 value = 0;
    if (!g_ascii_string_to_unsigned (port, 10, 1, 65535, &value, NULL)) {
      g_set_error_literal (error, ESIM_ACTIVATION_CODE_ERROR, ESIM_ACTIVATION_CODE_ERROR_ADDRESS,
                           "the SM-DP+ address has an invalid port");
      return FALSE;
    }
  }
  return TRUE;
}

/* the first control character (C0, DEL or C1) of valid UTF-8, or NULL */
static const gchar *
esim_find_control (const gchar *text)
{
  for (const gchar *p = text; *p != '\0'; p = g_utf8_next_char (p)) {
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return p;
  }
  return NULL;
}

static gboolean
esim_identifier_validate (const gchar *what, const gchar *id, GError **error)
{
  gsize len = strlen (id);
  const gchar *bad;

  if (len > ESIM_MATCHING_ID_MAX_LENGTH) {
    g_set_error (error, ESIM_ACTIVATION_CODE_ERROR, ESIM_ACTIVATION_CODE_ERROR_MATCHING_ID,
                 "the %s has %" G_GSIZE_FORMAT " bytes, at most %d are allowed", what, len,
                 ESIM_MATCHING_ID_MAX_LENGTH);
    return FALSE;
  }
  if (!g_utf8_validate (id, (gssize) len, NULL)) {
    g_set_error (error, ESIM_ACTIVATION_CODE_ERROR, ESIM_ACTIVATION_CODE_ERROR_MATCHING_ID,
                 "the %s is not valid UTF-8", what);
    return FALSE;
  }
  /* the position only: the identifier may be a secret */
  bad = esim_find_control (id);
  if (bad != NULL) {
    g_set_error (error, ESIM_ACTIVATION_CODE_ERROR, ESIM_ACTIVATION_CODE_ERROR_MATCHING_ID,
                 "the %s has a control character at byte %" G_GSIZE_FORMAT, what,
                 (gsize) (bad - id) + 1);
    return FALSE;
  }
  return TRUE;
}

gboolean
esim_matching_id_validate (const gchar *id, GError **error)
{
  gsize len;

  g_return_val_if_fail (id != NULL, FALSE);
  len = strlen (id);

  /* SGP.22 4.1 names 0-9, A-Z and '-', but operators issue lower-case
   * letters, '_', '.', '+' and more, and SM-DP+s match them as given:
   * only what cannot survive the text of an activation code is refused */
  if (!esim_identifier_validate ("matching ID", id, error))
    return FALSE;
  if (strchr (id, '$') != NULL) {
    g_set_error_literal (error, ESIM_ACTIVATION_CODE_ERROR, ESIM_ACTIVATION_CODE_ERROR_MATCHING_ID,
                         "the matching ID has a '$', the field separator of activation codes");
    return FALSE;
  }
  /* the code is stripped as a whole, so these would not survive a copy */
  if (len > 0 && (g_ascii_isspace (id[0]) || g_ascii_isspace (id[len - 1]))) {
    g_set_error_literal (error, ESIM_ACTIVATION_CODE_ERROR, ESIM_ACTIVATION_CODE_ERROR_MATCHING_ID,
                         "the matching ID starts or ends with white space");
    return FALSE;
  }
  return TRUE;
}

gboolean
esim_event_id_validate (const gchar *id, GError **error)
{
  g_return_val_if_fail (id != NULL, FALSE);

  /* an SM-DS event ID is passed to the SM-DP+ as it came: SGP.22 gives it
   * no grammar, so only an empty or absurd one is refused */
  if (id[0] == '\0') {
    g_set_error_literal (error, ESIM_ACTIVATION_CODE_ERROR, ESIM_ACTIVATION_CODE_ERROR_MATCHING_ID,
                         "the event ID is empty");
    return FALSE;
  }
  return esim_identifier_validate ("event ID", id, error);
}

static gboolean
esim_oid_arcs_valid (const gchar *oid)
{
  g_auto (GStrv) arcs = g_strsplit (oid, ".", -1);
  guint n = g_strv_length (arcs);

  if (n < 2)
    return FALSE;
  for (guint i = 0; i < n; i++) {
    guint64 v;
    /* no empty arcs and no leading zeros */
    if (arcs[i][0] == '\0' || (arcs[i][0] == '0' && arcs[i][1] != '\0'))
      return FALSE;
    if (!g_ascii_string_to_unsigned (arcs[i], 10, 0, G_MAXUINT32, &v, NULL))
      return FALSE;
    if (i == 0 && v > 2)
      return FALSE;
  }
  return TRUE;
}

static gboolean
esim_oid_validate (const gchar *oid, GError **error)
{
  if (esim_oid_arcs_valid (oid))
    return TRUE;
  g_set_error_literal (error, ESIM_ACTIVATION_CODE_ERROR, ESIM_ACTIVATION_CODE_ERROR_OID,
                       "the SM-DP+ OID is not a dotted-decimal object identifier");
  return FALSE;
}

EsimActivationCode *
esim_activation_code_parse (const gchar *text, GError **error)
{
  g_autoptr (EsimActivationCode) ac = NULL;
  g_autofree gchar *copy = NULL;
  g_auto (GStrv) fields = NULL;
  gchar *body;
  guint n;

  g_return_val_if_fail (text != NULL, NULL);

  /* a cheap bound before copying; the real limit is on the code itself */
  if (strlen (text) > 8 * ESIM_ACTIVATION_CODE_MAX_LENGTH) {
    g_set_error (error, ESIM_ACTIVATION_CODE_ERROR, ESIM_ACTIVATION_CODE_ERROR_TOO_LONG,
                 "the activation code is longer than %d characters",
                 ESIM_ACTIVATION_CODE_MAX_LENGTH);
    return NULL;
  }
  if (!g_utf8_validate (text, -1, NULL)) {
    g_set_error_literal (error, ESIM_ACTIVATION_CODE_ERROR, ESIM_ACTIVATION_CODE_ERROR_FORMAT,
                         "the activation code is not valid text");
    return NULL;
  }
  /* QR scanners and copy-paste add surrounding white space */
  copy = g_strstrip (g_strdup (text));
  body = copy;
  if (g_ascii_strncasecmp (body, "LPA:", 4) == 0)
    body += 4;
  if (*body == '\0') {
    g_set_error_literal (error, ESIM_ACTIVATION_CODE_ERROR, ESIM_ACTIVATION_CODE_ERROR_EMPTY,
                         "the activation code is empty");
    return NULL;
  }
  /* counted without the prefix, so that the canonical form of any valid
   * code is valid too */
  if (strlen (body) > ESIM_ACTIVATION_CODE_MAX_LENGTH) {
    g_set_error (error, ESIM_ACTIVATION_CODE_ERROR, ESIM_ACTIVATION_CODE_ERROR_TOO_LONG,
                 "the activation code is longer than %d characters",
                 ESIM_ACTIVATION_CODE_MAX_LENGTH);
    return NULL;
  }

  fields = g_strsplit (body, "$", -1);
  n = g_strv_length (fields);
  if (!g_str_equal (fields[0], "1")) {
    g_set_error_literal (error, ESIM_ACTIVATION_CODE_ERROR, ESIM_ACTIVATION_CODE_ERROR_FORMAT,
                         "the activation code does not start with format 1 (“1$”)");
    return NULL;
  }
  if (n < 3 || n > 5) {
    g_set_error (error, ESIM_ACTIVATION_CODE_ERROR, ESIM_ACTIVATION_CODE_ERROR_FIELDS,
                 "the activation code has %u '$'-separated fields, expected 3 to 5", n);
    return NULL;
  }

  ac = g_new0 (EsimActivationCode, 1);
  if (!esim_smdp_address_validate (fields[1], error))
    return NULL;
  ac->smdp_address = g_strdup (fields[1]);
  if (!esim_matching_id_validate (fields[2], error))
    return NULL;
  ac->matching_id = g_strdup (fields[2]);
  /* an empty OID is allowed so that the flag can follow it: 1$a$b$$1 */
  if (n >= 4 && fields[3][0] != '\0') {
    if (!esim_oid_validate (fields[3], error))
      return NULL;
    ac->smdp_oid = g_strdup (fields[3]);
  }
  if (n == 5) {
    if (g_str_equal (fields[4], "1")) {
      ac->confirmation_code_required = TRUE;
    } else if (!g_str_equal (fields[4], "0") && fields[4][0] != '\0') {
      g_set_error_literal (error, ESIM_ACTIVATION_CODE_ERROR,
                           ESIM_ACTIVATION_CODE_ERROR_CONFIRMATION_FLAG,
                           "the confirmation code required flag is neither 0 nor 1");
      return NULL;
    }
  }
  return g_steal_pointer (&ac);
}

gchar *
esim_activation_code_to_string (const EsimActivationCode *self)
{
  GString *s = g_string_new ("LPA:1$");

  g_string_append_printf (s, "%s$%s", self->smdp_address, self->matching_id);
  if (self->smdp_oid != NULL || self->confirmation_code_required)
    g_string_append_printf (s, "$%s", self->smdp_oid != NULL ? self->smdp_oid : "");
  if (self->confirmation_code_required)
    g_string_append (s, "$1");
  return g_string_free (s, FALSE);
}

GBytes *
esim_confirmation_code_hash (const gchar *confirmation_code, GBytes *transaction_id)
{
  g_autoptr (GChecksum) inner = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr (GChecksum) outer = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize digest_len = sizeof (digest);

  g_checksum_update (inner, (const guchar *) confirmation_code,
                     (gssize) strlen (confirmation_code));
  g_checksum_get_digest (inner, digest, &digest_len);
  g_checksum_update (outer, digest, (gssize) digest_len);
  g_checksum_update (outer, g_bytes_get_data (transaction_id, NULL),
                     (gssize) g_bytes_get_size (transaction_id));
  digest_len = sizeof (digest);
  g_checksum_get_digest (outer, digest, &digest_len);
  return g_bytes_new (digest, digest_len);
}
