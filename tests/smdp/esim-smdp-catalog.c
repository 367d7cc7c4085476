/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "esim-smdp-catalog.h"
#include "esim-smdp-util.h"
#include "esim-tlv.h"

/* a package is about 12 KiB; anything far larger is a mistake */
#define ESIM_SMDP_MAX_UPP (4 * 1024 * 1024)

struct _EsimSmdpCatalog {
  GObject parent_instance;

  GPtrArray *orders; /* EsimSmdpOrder */
  GPtrArray *events; /* EsimSmdpEvent */
};

G_DEFINE_TYPE (EsimSmdpCatalog, esim_smdp_catalog, G_TYPE_OBJECT)

static void
esim_smdp_order_free (EsimSmdpOrder *order)
{
  g_free (order->matching_id);
  g_clear_pointer (&order->upp, g_bytes_unref);
  g_free (order->iccid);
  g_free (order->cc);
  g_free (order->eid);
  g_free (order->name);
  g_free (order->spn);
  g_free (order->session_txid);
  g_clear_pointer (&order->last_otpk, g_bytes_unref);
  g_free (order->last_eid);
  g_free (order);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EsimSmdpOrder, esim_smdp_order_free)

static void
esim_smdp_event_free (EsimSmdpEvent *event)
{
  g_free (event->eid);
  g_free (event->event_id);
  g_free (event->address);
  g_free (event);
}

static void
esim_smdp_catalog_finalize (GObject *object)
{
  EsimSmdpCatalog *self = ESIM_SMDP_CATALOG (object);

  g_ptr_array_unref (self->orders);
  g_ptr_array_unref (self->events);
  G_OBJECT_CLASS (esim_smdp_catalog_parent_class)->finalize (object);
}

static void
esim_smdp_catalog_class_init (EsimSmdpCatalogClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = esim_smdp_catalog_finalize;
}

static void
esim_smdp_catalog_init (EsimSmdpCatalog *self)
{
  self->orders = g_ptr_array_new_with_free_func ((GDestroyNotify) esim_smdp_order_free);
  self->events = g_ptr_array_new_with_free_func ((GDestroyNotify) esim_smdp_event_free);
}

EsimSmdpCatalog *
esim_smdp_catalog_new (void)
{
  return g_object_new (ESIM_TYPE_SMDP_CATALOG, NULL);
}

static gboolean
esim_smdp_is_eid (const gchar *eid)
{
  if (strlen (eid) != 32)
    return FALSE;
  for (const gchar *p = eid; *p != '\0'; p++) {
    if (!g_ascii_isdigit (*p))
      return FALSE;
  }
  return TRUE;
}

/* read the package and find the 10-byte iccid of its ProfileHeader (the
 * first ProfileElement, A0 { ... 83 iccid ... }); rewrite it when asked */
static gboolean
esim_smdp_order_load_upp (EsimSmdpOrder *order, const gchar *path, const gchar *iccid,
                          GError **error)
{
  g_autofree gchar *data = NULL;
  gsize len = 0;
  EsimTlv first, header, field;

  if (!g_file_get_contents (path, &data, &len, error))
    return FALSE;
  if (len == 0 || len > ESIM_SMDP_MAX_UPP) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: bad size", path);
    return FALSE;
  }
  if (!esim_tlv_parse_header ((const guint8 *) data, len, &first, error))
    return FALSE;
  if (!esim_tlv_decode (first.raw, first.raw_length, &header, error))
    return FALSE;
  if (header.tag != 0xA0 || !esim_tlv_find (&header, 0x83, &field) || field.length != 10) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                 "%s: no ProfileHeader with a 10-byte iccid", path);
    return FALSE;
  }
  if (iccid != NULL) {
    guint8 bcd[10];

    if (!esim_smdp_iccid_to_bcd (iccid, bcd, FALSE)) {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "“%s” is not an ICCID (18-20 digits)", iccid);
      return FALSE;
    }
    /* same length, so the package is patched in place: the card compares
     * the header ICCID with the one of the metadata */
    memcpy ((guint8 *) field.value, bcd, sizeof (bcd));
  }
  order->iccid = esim_smdp_iccid_from_bcd (field.value, field.length, FALSE);
  if (order->iccid == NULL) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: the header iccid is not BCD",
                 path);
    return FALSE;
  }
  order->upp = g_bytes_new_take (g_steal_pointer (&data), len);
  return TRUE;
}

static gboolean
esim_smdp_order_set_option (EsimSmdpOrder *order, const gchar *key, const gchar *value,
                            GError **error)
{
  if (g_str_equal (key, "cc") && value != NULL && *value != '\0') {
    g_free (order->cc);
    order->cc = g_strdup (value);
  } else if (g_str_equal (key, "eid") && value != NULL && esim_smdp_is_eid (value)) {
    g_free (order->eid);
    order->eid = g_ascii_strup (value, -1);
  } else if (g_str_equal (key, "name") && value != NULL && strlen (value) <= 64) {
    g_free (order->name);
    order->name = g_strdup (value);
  } else if (g_str_equal (key, "spn") && value != NULL && strlen (value) <= 32) {
    g_free (order->spn);
    order->spn = g_strdup (value);
  } else if (g_str_equal (key, "class") && g_strcmp0 (value, "test") == 0) {
    order->profile_class = ESIM_SMDP_CLASS_TEST;
  } else if (g_str_equal (key, "class") && g_strcmp0 (value, "provisioning") == 0) {
    order->profile_class = ESIM_SMDP_CLASS_PROVISIONING;
  } else if (g_str_equal (key, "class") && g_strcmp0 (value, "operational") == 0) {
    order->profile_class = ESIM_SMDP_CLASS_OPERATIONAL;
  } else if (g_str_equal (key, "ppr") && g_strcmp0 (value, "1") == 0) {
    order->ppr_bits = 1 << 1;
  } else if (g_str_equal (key, "ppr") && g_strcmp0 (value, "2") == 0) {
    order->ppr_bits = 1 << 2;
  } else if (g_str_equal (key, "ppr") && g_strcmp0 (value, "12") == 0) {
    order->ppr_bits = (1 << 1) | (1 << 2);
  } else if (g_str_equal (key, "default") && value == NULL) {
    order->is_default = TRUE;
  } else {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "bad profile option “%s%s%s”", key,
                 value != NULL ? "=" : "", value != NULL ? value : "");
    return FALSE;
  }
  return TRUE;
}

gboolean
esim_smdp_catalog_add_profile_spec (EsimSmdpCatalog *self, const gchar *spec, GError **error)
{
  g_auto (GStrv) parts = g_strsplit (spec, ",", -1);
  g_autoptr (EsimSmdpOrder) order = g_new0 (EsimSmdpOrder, 1);
  const gchar *eq = strchr (parts[0] != NULL ? parts[0] : "", '=');
  const gchar *iccid = NULL;

  if (parts[0] == NULL || eq == NULL || eq == parts[0] || eq[1] == '\0') {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                 "--profile wants MATCHINGID=UPPFILE[,option...], not “%s”", spec);
    return FALSE;
  }
  order->matching_id = g_strndup (parts[0], eq - parts[0]);
  order->profile_class = ESIM_SMDP_CLASS_OPERATIONAL;
  order->spn = g_strdup ("esim-smdp");
  if (esim_smdp_catalog_lookup (self, order->matching_id) != NULL) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS, "matching ID “%s” given twice",
                 order->matching_id);
    return FALSE;
  }
  for (guint i = 1; parts[i] != NULL; i++) {
    g_auto (GStrv) kv = g_strsplit (parts[i], "=", 2);

    if (g_str_equal (kv[0], "iccid"))
      iccid = strchr (parts[i], '=') != NULL ? strchr (parts[i], '=') + 1 : "";
    else if (!esim_smdp_order_set_option (order, kv[0], kv[1], error))
      return FALSE;
  }
  if (!esim_smdp_order_load_upp (order, eq + 1, iccid, error))
    return FALSE;
  if (order->name == NULL) {
    g_autofree gchar *base = g_path_get_basename (eq + 1);
    gchar *dot = strrchr (base, '.');

    if (dot != NULL)
      *dot = '\0';
    order->name = g_utf8_make_valid (base, MIN (strlen (base), 64));
  }
  g_ptr_array_add (self->orders, g_steal_pointer (&order));
  return TRUE;
}

gboolean
esim_smdp_catalog_add_event_spec (EsimSmdpCatalog *self, const gchar *spec, GError **error)
{
  const gchar *eq = strchr (spec, '=');
  const gchar *at;
  EsimSmdpEvent *event;
  g_autofree gchar *eid = NULL;

  if (eq == NULL || eq[1] == '\0' || eq[1] == '@') {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                 "--event wants EID=EVENTID[@ADDRESS], not “%s”", spec);
    return FALSE;
  }
  eid = g_strndup (spec, eq - spec);
  if (!esim_smdp_is_eid (eid)) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "“%s” is not an EID (32 digits)",
                 eid);
    return FALSE;
  }
  at = strchr (eq + 1, '@');
  event = g_new0 (EsimSmdpEvent, 1);
  event->eid = g_steal_pointer (&eid);
  event->event_id = at != NULL ? g_strndup (eq + 1, at - eq - 1) : g_strdup (eq + 1);
  event->address = at != NULL && at[1] != '\0' ? g_strdup (at + 1) : NULL;
  g_ptr_array_add (self->events, event);
  return TRUE;
}

EsimSmdpOrder *
esim_smdp_catalog_lookup (EsimSmdpCatalog *self, const gchar *matching_id)
{
  for (guint i = 0; i < self->orders->len; i++) {
    EsimSmdpOrder *order = g_ptr_array_index (self->orders, i);

    if (g_strcmp0 (order->matching_id, matching_id) == 0)
      return order;
  }
  return NULL;
}

EsimSmdpOrder *
esim_smdp_catalog_get_order (EsimSmdpCatalog *self, guint i)
{
  return i < self->orders->len ? g_ptr_array_index (self->orders, i) : NULL;
}

EsimSmdpOrder *
esim_smdp_catalog_find_default (EsimSmdpCatalog *self, const gchar *eid)
{
  EsimSmdpOrder *unbound = NULL;

  for (guint i = 0; i < self->orders->len; i++) {
    EsimSmdpOrder *order = g_ptr_array_index (self->orders, i);

    if (!order->is_default || order->state != ESIM_SMDP_ORDER_AVAILABLE)
      continue;
    if (order->eid != NULL && g_strcmp0 (order->eid, eid) == 0)
      return order;
    if (order->eid == NULL && unbound == NULL)
      unbound = order;
  }
  return unbound;
}

GPtrArray *
esim_smdp_catalog_list_events (EsimSmdpCatalog *self, const gchar *eid)
{
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; i < self->events->len; i++) {
    EsimSmdpEvent *event = g_ptr_array_index (self->events, i);

    if (g_strcmp0 (event->eid, eid) == 0)
      g_ptr_array_add (out, event);
  }
  return out;
}

void
esim_smdp_catalog_remove_event (EsimSmdpCatalog *self, const gchar *eid, const gchar *event_id)
{
  for (guint i = self->events->len; i > 0; i--) {
    EsimSmdpEvent *event = g_ptr_array_index (self->events, i - 1);

    if (g_strcmp0 (event->eid, eid) == 0 && g_strcmp0 (event->event_id, event_id) == 0)
      g_ptr_array_remove_index (self->events, i - 1);
  }
}

void
esim_smdp_order_reserve (EsimSmdpOrder *order, const gchar *txid)
{
  order->state = ESIM_SMDP_ORDER_RESERVED;
  g_free (order->session_txid);
  order->session_txid = g_strdup (txid);
}

void
esim_smdp_order_release (EsimSmdpOrder *order)
{
  g_clear_pointer (&order->session_txid, g_free);
  if (order->state == ESIM_SMDP_ORDER_RESERVED || order->state == ESIM_SMDP_ORDER_DOWNLOADED)
    order->state = ESIM_SMDP_ORDER_AVAILABLE;
}

void
esim_smdp_order_set_state (EsimSmdpOrder *order, EsimSmdpOrderState state)
{
  order->state = state;
  if (state == ESIM_SMDP_ORDER_CONSUMED || state == ESIM_SMDP_ORDER_BLOCKED
      || state == ESIM_SMDP_ORDER_AVAILABLE)
    g_clear_pointer (&order->session_txid, g_free);
}

const gchar *
esim_smdp_order_state_to_string (EsimSmdpOrderState state)
{
  switch (state) {
  case ESIM_SMDP_ORDER_AVAILABLE:
    return "available";
  case ESIM_SMDP_ORDER_RESERVED:
    return "reserved";
  case ESIM_SMDP_ORDER_DOWNLOADED:
    return "downloaded";
  case ESIM_SMDP_ORDER_CONSUMED:
    return "consumed";
  case ESIM_SMDP_ORDER_BLOCKED:
    return "blocked";
  default:
    return "unknown";
  }
}
