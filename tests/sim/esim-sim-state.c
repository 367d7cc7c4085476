/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "esim-sim-state.h"
#include "esim-sim-upp.h"

/* state file format version; bump on incompatible changes */
#define ESIM_SIM_STATE_VERSION 1

/* the first ISD-P AID; further ones count up in byte 14 */
static const guint8 isdp_aid_base[16] = {
  0xA0, 0x00, 0x00, 0x05, 0x59, 0x10, 0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0x89, 0x00, 0x00, 0x10, 0x00,
};
#define ESIM_SIM_MAX_ISDP (0x100 - 0x10)

struct _EsimSimState {
  GObject parent_instance;
  gchar *path;
  guint64 memory_total;
  gchar *default_smdp;
  guint64 seq_counter; /* the last sequence number handed out */
  guint aid_counter;   /* ISD-P AIDs handed out */
  GPtrArray *profiles;
  GPtrArray *notifications;
};

G_DEFINE_TYPE (EsimSimState, esim_sim_state, G_TYPE_OBJECT)

EsimSimProfile *
esim_sim_profile_new (void)
{
  EsimSimProfile *profile = g_new0 (EsimSimProfile, 1);

  profile->profile_class = ESIM_SIM_PROFILE_CLASS_OPERATIONAL;
  profile->icon_type = -1;
  return profile;
}

void
esim_sim_profile_free (EsimSimProfile *profile)
{
  if (profile == NULL)
    return;
  g_free (profile->iccid);
  g_free (profile->nickname);
  g_free (profile->service_provider);
  g_free (profile->name);
  g_clear_pointer (&profile->icon, g_bytes_unref);
  g_clear_pointer (&profile->owner_mcc_mnc, g_bytes_unref);
  g_free (profile->notify_address);
  g_free (profile);
}

void
esim_sim_notification_free (EsimSimNotification *notification)
{
  if (notification == NULL)
    return;
  g_free (notification->address);
  g_free (notification->iccid);
  g_clear_pointer (&notification->pending, g_bytes_unref);
  g_free (notification);
}

EsimSimState *
esim_sim_state_new (const gchar *path, guint64 memory)
{
  EsimSimState *self = g_object_new (ESIM_SIM_TYPE_STATE, NULL);

  self->path = g_strdup (path);
  self->memory_total = memory > 0 ? memory : ESIM_SIM_DEFAULT_MEMORY;
  return self;
}

/* profiles */

GPtrArray *
esim_sim_state_get_profiles (EsimSimState *self)
{
  return self->profiles;
}

EsimSimProfile *
esim_sim_state_find_iccid (EsimSimState *self, const gchar *iccid)
{
  for (guint i = 0; i < self->profiles->len; i++) {
    EsimSimProfile *profile = g_ptr_array_index (self->profiles, i);
    if (g_strcmp0 (profile->iccid, iccid) == 0)
      return profile;
  }
  return NULL;
}

EsimSimProfile *
esim_sim_state_find_aid (EsimSimState *self, const guint8 *aid, gsize len)
{
  for (guint i = 0; i < self->profiles->len; i++) {
    EsimSimProfile *profile = g_ptr_array_index (self->profiles, i);
    if (len == sizeof (profile->aid) && memcmp (profile->aid, aid, len) == 0)
      return profile;
  }
  return NULL;
}

EsimSimProfile *
esim_sim_state_get_enabled (EsimSimState *self)
{
  for (guint i = 0; i < self->profiles->len; i++) {
    EsimSimProfile *profile = g_ptr_array_index (self->profiles, i);
    if (profile->enabled)
      return profile;
  }
  return NULL;
}

guint64
esim_sim_state_get_memory_total (EsimSimState *self)
{
  return self->memory_total;
}

guint64
esim_sim_state_get_free_memory (EsimSimState *self)
{
  guint64 used = 0;

  for (guint i = 0; i < self->profiles->len; i++)
    used += ((EsimSimProfile *) g_ptr_array_index (self->profiles, i))->size;
  return used >= self->memory_total ? 0 : self->memory_total - used;
}

static gboolean
esim_sim_state_check_profile (EsimSimState *self, EsimSimProfile *profile, GError **error)
{
  guint8 ef[10];

  if (profile->iccid == NULL || !esim_sim_iccid_to_ef (profile->iccid, ef, error))
    return FALSE;
  if (esim_sim_state_find_iccid (self, profile->iccid) != NULL) {
    g_set_error (error, ESIM_SIM_ERROR, ESIM_SIM_ERROR_EXISTS,
                 "a profile with ICCID %s is already installed", profile->iccid);
    return FALSE;
  }
  if (profile->enabled && esim_sim_state_get_enabled (self) != NULL) {
    g_set_error (error, ESIM_SIM_ERROR, ESIM_SIM_ERROR_INVALID_ARGUMENT,
                 "profile %s cannot be enabled: another profile already is", profile->iccid);
    return FALSE;
  }
  return TRUE;
}

gboolean
esim_sim_state_add_profile (EsimSimState *self, EsimSimProfile *profile, GError **error)
{
  g_autoptr (EsimSimProfile) owned = profile;

  if (!esim_sim_state_check_profile (self, profile, error))
    return FALSE;
  if (profile->size > esim_sim_state_get_free_memory (self)) {
    g_set_error (error, ESIM_SIM_ERROR, ESIM_SIM_ERROR_NO_MEMORY,
                 "profile %s needs %" G_GUINT64_FORMAT " bytes, only %" G_GUINT64_FORMAT " free",
                 profile->iccid, profile->size, esim_sim_state_get_free_memory (self));
    return FALSE;
  }
  if (self->aid_counter >= ESIM_SIM_MAX_ISDP) {
    g_set_error_literal (error, ESIM_SIM_ERROR, ESIM_SIM_ERROR_NO_MEMORY, "no ISD-P AID left");
    return FALSE;
  }
  /* AIDs are never reused, like a card that counts its ISD-Ps */
  memcpy (profile->aid, isdp_aid_base, sizeof (profile->aid));
  profile->aid[14] = (guint8) (0x10 + self->aid_counter++);
  g_ptr_array_add (self->profiles, g_steal_pointer (&owned));
  return TRUE;
}

void
esim_sim_state_remove_profile (EsimSimState *self, EsimSimProfile *profile)
{
  g_ptr_array_remove (self->profiles, profile);
}

const gchar *
esim_sim_state_get_default_smdp (EsimSimState *self)
{
  return self->default_smdp;
}

void
esim_sim_state_set_default_smdp (EsimSimState *self, const gchar *address)
{
  g_free (self->default_smdp);
  self->default_smdp = (address != NULL && *address != '\0') ? g_strdup (address) : NULL;
}

/* notifications */

guint64
esim_sim_state_next_seq (EsimSimState *self)
{
  return ++self->seq_counter;
}

void
esim_sim_state_add_notification (EsimSimState *self, EsimSimNotification *notification)
{
  g_ptr_array_add (self->notifications, notification);
}

GPtrArray *
esim_sim_state_get_notifications (EsimSimState *self)
{
  return self->notifications;
}

gboolean
esim_sim_state_remove_notification (EsimSimState *self, guint64 seq)
{
  for (guint i = 0; i < self->notifications->len; i++) {
    EsimSimNotification *n = g_ptr_array_index (self->notifications, i);
    if (n->seq == seq) {
      g_ptr_array_remove_index (self->notifications, i);
      return TRUE;
    }
  }
  return FALSE;
}

/* seeding */

static gboolean
esim_sim_parse_events (const gchar *text, guint32 *out, GError **error)
{
  g_auto (GStrv) names = g_strsplit (text, "+", -1);
  static const gchar *const known[] = { "install", "enable", "disable", "delete" };

  *out = 0;
  if (g_strcmp0 (text, "none") == 0)
    return TRUE;
  if (g_strcmp0 (text, "all") == 0) {
    *out = ESIM_SIM_EVENTS_ALL;
    return TRUE;
  }
  for (guint i = 0; names[i] != NULL; i++) {
    guint b;
    for (b = 0; b < G_N_ELEMENTS (known); b++) {
      if (g_strcmp0 (names[i], known[b]) == 0)
        break;
    }
    if (b == G_N_ELEMENTS (known)) {
      g_set_error (error, ESIM_SIM_ERROR, ESIM_SIM_ERROR_INVALID_ARGUMENT,
                   "unknown notification event “%s”", names[i]);
      return FALSE;
    }
    *out |= 1u << b;
  }
  return TRUE;
}

static gboolean
esim_sim_state_seed_key (EsimSimProfile *profile, const gchar *key, const gchar *value,
                         GError **error)
{
  if (g_strcmp0 (key, "state") == 0) {
    if (g_strcmp0 (value, "enabled") != 0 && g_strcmp0 (value, "disabled") != 0)
      goto bad;
    profile->enabled = g_strcmp0 (value, "enabled") == 0;
  } else if (g_strcmp0 (key, "class") == 0) {
    if (g_strcmp0 (value, "test") == 0)
      profile->profile_class = ESIM_SIM_PROFILE_CLASS_TEST;
    else if (g_strcmp0 (value, "provisioning") == 0)
      profile->profile_class = ESIM_SIM_PROFILE_CLASS_PROVISIONING;
    else if (g_strcmp0 (value, "operational") == 0)
      profile->profile_class = ESIM_SIM_PROFILE_CLASS_OPERATIONAL;
    else
      goto bad;
  } else if (g_strcmp0 (key, "ppr") == 0) {
    profile->ppr = 0;
    for (const gchar *p = value; *p != '\0'; p++) {
      if (*p == '1')
        profile->ppr |= ESIM_SIM_PPR1;
      else if (*p == '2')
        profile->ppr |= ESIM_SIM_PPR2;
      else if (*p != '0')
        goto bad;
    }
  } else if (g_strcmp0 (key, "nickname") == 0) {
    g_free (profile->nickname);
    profile->nickname = *value != '\0' ? g_strdup (value) : NULL;
  } else if (g_strcmp0 (key, "name") == 0) {
    g_free (profile->name);
    profile->name = g_strdup (value);
  } else if (g_strcmp0 (key, "spn") == 0) {
    g_free (profile->service_provider);
    profile->service_provider = g_strdup (value);
  } else if (g_strcmp0 (key, "iccid") == 0) {
    guint8 ef[10];
    if (!esim_sim_iccid_to_ef (value, ef, error))
      return FALSE;
    g_free (profile->iccid);
    profile->iccid = g_strdup (value);
  } else if (g_strcmp0 (key, "notify") == 0) {
    g_free (profile->notify_address);
    profile->notify_address = *value != '\0' ? g_strdup (value) : NULL;
  } else if (g_strcmp0 (key, "events") == 0) {
    if (!esim_sim_parse_events (value, &profile->notify_events, error))
      return FALSE;
  } else if (g_strcmp0 (key, "mccmnc") == 0) {
    guint8 v[3];
    if (!esim_sim_mcc_mnc_encode (value, v, error))
      return FALSE;
    g_clear_pointer (&profile->owner_mcc_mnc, g_bytes_unref);
    profile->owner_mcc_mnc = g_bytes_new (v, sizeof (v));
  } else if (g_strcmp0 (key, "icon") == 0) {
    gchar *data = NULL;
    gsize len = 0;
    if (!g_file_get_contents (value, &data, &len, error))
      return FALSE;
    if (len > 1024) {
      g_free (data);
      g_set_error (error, ESIM_SIM_ERROR, ESIM_SIM_ERROR_INVALID_ARGUMENT,
                   "icon %s has %" G_GSIZE_FORMAT " bytes, at most 1024 fit", value, len);
      return FALSE;
    }
    g_clear_pointer (&profile->icon, g_bytes_unref);
    profile->icon = g_bytes_new_take (data, len);
    profile->icon_type = g_str_has_suffix (value, ".png") ? 1 : 0;
  } else if (g_strcmp0 (key, "size") == 0) {
    if (!g_ascii_string_to_unsigned (value, 10, 0, G_MAXUINT32, &profile->size, error))
      return FALSE;
  } else {
    g_set_error (error, ESIM_SIM_ERROR, ESIM_SIM_ERROR_INVALID_ARGUMENT, "unknown profile key “%s”",
                 key);
    return FALSE;
  }
  return TRUE;
bad:
  g_set_error (error, ESIM_SIM_ERROR, ESIM_SIM_ERROR_INVALID_ARGUMENT,
               "bad value “%s” for profile key “%s”", value, key);
  return FALSE;
}

gboolean
esim_sim_state_seed (EsimSimState *self, const gchar *spec, GError **error)
{
  g_auto (GStrv) parts = g_strsplit (spec, ",", -1);
  g_autoptr (EsimSimProfile) profile = esim_sim_profile_new ();
  g_autoptr (GBytes) upp = NULL;
  g_autofree gchar *profile_type = NULL;
  gchar *contents = NULL;
  gsize len = 0;

  if (parts[0] == NULL || *parts[0] == '\0') {
    g_set_error_literal (error, ESIM_SIM_ERROR, ESIM_SIM_ERROR_INVALID_ARGUMENT,
                         "empty profile spec");
    return FALSE;
  }
  if (!g_file_get_contents (parts[0], &contents, &len, error))
    return FALSE;
  upp = g_bytes_new_take (contents, len);
  if (!esim_sim_upp_parse_header (upp, &profile->iccid, &profile_type, error)) {
    g_prefix_error (error, "%s: ", parts[0]);
    return FALSE;
  }
  profile->size = len;
  profile->notify_events = ESIM_SIM_EVENTS_ALL;
  profile->notify_address = g_strdup ("smdp.example.test");
  profile->service_provider = g_strdup ("Test Operator");
  if (profile_type != NULL)
    profile->name = g_strdup (profile_type);
  else
    profile->name = g_path_get_basename (parts[0]);

  for (guint i = 1; parts[i] != NULL; i++) {
    const gchar *eq = strchr (parts[i], '=');
    g_autofree gchar *key = NULL;

    if (eq == NULL) {
      g_set_error (error, ESIM_SIM_ERROR, ESIM_SIM_ERROR_INVALID_ARGUMENT,
                   "profile spec item “%s” is not key=value", parts[i]);
      return FALSE;
    }
    key = g_strndup (parts[i], eq - parts[i]);
    if (!esim_sim_state_seed_key (profile, key, eq + 1, error)) {
      g_prefix_error (error, "%s: ", parts[0]);
      return FALSE;
    }
  }
  if (!esim_sim_state_add_profile (self, g_steal_pointer (&profile), error)) {
    g_prefix_error (error, "cannot seed %s: ", parts[0]);
    return FALSE;
  }
  return TRUE;
}

/* persistence */

static void
esim_sim_json_add_bytes (JsonBuilder *b, const gchar *name, GBytes *bytes)
{
  g_autofree gchar *text = NULL;

  if (bytes == NULL)
    return;
  text = g_base64_encode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, text);
}

static void
esim_sim_json_add_string (JsonBuilder *b, const gchar *name, const gchar *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, value);
}

static void
esim_sim_json_add_int (JsonBuilder *b, const gchar *name, gint64 value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

static void
esim_sim_state_build_profile (JsonBuilder *b, EsimSimProfile *p)
{
  g_autofree gchar *aid = esim_sim_hex_encode (p->aid, sizeof (p->aid));
  g_autofree gchar *mcc_mnc = NULL;

  json_builder_begin_object (b);
  esim_sim_json_add_string (b, "iccid", p->iccid);
  esim_sim_json_add_string (b, "aid", aid);
  esim_sim_json_add_string (b, "state", p->enabled ? "enabled" : "disabled");
  esim_sim_json_add_int (b, "class", p->profile_class);
  esim_sim_json_add_string (b, "nickname", p->nickname);
  esim_sim_json_add_string (b, "service-provider", p->service_provider);
  esim_sim_json_add_string (b, "name", p->name);
  esim_sim_json_add_int (b, "icon-type", p->icon_type);
  esim_sim_json_add_bytes (b, "icon", p->icon);
  esim_sim_json_add_int (b, "ppr", p->ppr);
  esim_sim_json_add_int (b, "size", (gint64) p->size);
  if (p->owner_mcc_mnc != NULL) {
    mcc_mnc = esim_sim_hex_encode (g_bytes_get_data (p->owner_mcc_mnc, NULL),
                                   g_bytes_get_size (p->owner_mcc_mnc));
    esim_sim_json_add_string (b, "owner-mcc-mnc", mcc_mnc);
  }
  esim_sim_json_add_int (b, "notify-events", p->notify_events);
  esim_sim_json_add_string (b, "notify-address", p->notify_address);
  json_builder_end_object (b);
}

gboolean
esim_sim_state_save (EsimSimState *self, GError **error)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree gchar *text = NULL;

  if (self->path == NULL)
    return TRUE;
  json_builder_begin_object (b);
  esim_sim_json_add_int (b, "version", ESIM_SIM_STATE_VERSION);
  esim_sim_json_add_int (b, "seq-counter", (gint64) self->seq_counter);
  esim_sim_json_add_int (b, "isdp-counter", self->aid_counter);
  esim_sim_json_add_string (b, "default-smdp", self->default_smdp);
  json_builder_set_member_name (b, "profiles");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->profiles->len; i++)
    esim_sim_state_build_profile (b, g_ptr_array_index (self->profiles, i));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "notifications");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->notifications->len; i++) {
    EsimSimNotification *n = g_ptr_array_index (self->notifications, i);
    json_builder_begin_object (b);
    esim_sim_json_add_int (b, "seq", (gint64) n->seq);
    esim_sim_json_add_int (b, "event", n->event);
    esim_sim_json_add_string (b, "address", n->address);
    esim_sim_json_add_string (b, "iccid", n->iccid);
    esim_sim_json_add_bytes (b, "pending", n->pending);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  text = json_generator_to_data (gen, NULL);
  /* g_file_set_contents writes a temporary file and renames it */
  return g_file_set_contents (self->path, text, -1, error);
}

/* reading, with every member checked: a corrupt file is an error, not a crash */

static gboolean
esim_sim_json_get_string (JsonObject *o, const gchar *name, gboolean optional, gchar **out,
                          GError **error)
{
  JsonNode *node = json_object_get_member (o, name);

  if (node == NULL && optional)
    return TRUE;
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING) {
    g_set_error (error, ESIM_SIM_ERROR, ESIM_SIM_ERROR_INVALID_DATA,
                 "member “%s” is missing or not a string", name);
    return FALSE;
  }
  g_free (*out);
  *out = json_node_dup_string (node);
  return TRUE;
}

static gboolean
esim_sim_json_get_int (JsonObject *o, const gchar *name, gint64 min, gint64 max, gint64 *out,
                       GError **error)
{
  JsonNode *node = json_object_get_member (o, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_INT64 || json_node_get_int (node) < min
      || json_node_get_int (node) > max) {
    g_set_error (error, ESIM_SIM_ERROR, ESIM_SIM_ERROR_INVALID_DATA,
                 "member “%s” is missing or not an integer in %" G_GINT64_FORMAT
                 "..%" G_GINT64_FORMAT,
                 name, min, max);
    return FALSE;
  }
  *out = json_node_get_int (node);
  return TRUE;
}

static gboolean
esim_sim_json_get_bytes (JsonObject *o, const gchar *name, GBytes **out, GError **error)
{
  g_autofree gchar *text = NULL;
  guchar *data;
  gsize len = 0;

  if (!esim_sim_json_get_string (o, name, TRUE, &text, error))
    return FALSE;
  if (text == NULL)
    return TRUE;
  data = g_base64_decode (text, &len);
  *out = g_bytes_new_take (data, len);
  return TRUE;
}

static EsimSimProfile *
esim_sim_state_read_profile (EsimSimState *self, JsonNode *node, GError **error)
{
  g_autoptr (EsimSimProfile) p = esim_sim_profile_new ();
  g_autofree gchar *aid = NULL;
  g_autofree gchar *state = NULL;
  g_autofree gchar *mcc_mnc = NULL;
  g_autoptr (GBytes) aid_bytes = NULL;
  JsonObject *o;
  gint64 v = 0;
  guint8 ef[10];

  if (!JSON_NODE_HOLDS_OBJECT (node)) {
    g_set_error_literal (error, ESIM_SIM_ERROR, ESIM_SIM_ERROR_INVALID_DATA,
                         "a profile is not an object");
    return NULL;
  }
  o = json_node_get_object (node);
  if (!esim_sim_json_get_string (o, "iccid", FALSE, &p->iccid, error)
      || !esim_sim_iccid_to_ef (p->iccid, ef, error)
      || !esim_sim_json_get_string (o, "aid", FALSE, &aid, error)
      || !esim_sim_json_get_string (o, "state", FALSE, &state, error)
      || !esim_sim_json_get_string (o, "nickname", TRUE, &p->nickname, error)
      || !esim_sim_json_get_string (o, "service-provider", FALSE, &p->service_provider, error)
      || !esim_sim_json_get_string (o, "name", FALSE, &p->name, error)
      || !esim_sim_json_get_string (o, "notify-address", TRUE, &p->notify_address, error)
      || !esim_sim_json_get_string (o, "owner-mcc-mnc", TRUE, &mcc_mnc, error)
      || !esim_sim_json_get_bytes (o, "icon", &p->icon, error))
    return NULL;
  aid_bytes = esim_sim_hex_decode (aid, error);
  if (aid_bytes == NULL)
    return NULL;
  if (g_bytes_get_size (aid_bytes) != sizeof (p->aid)) {
    g_set_error (error, ESIM_SIM_ERROR, ESIM_SIM_ERROR_INVALID_DATA, "bad ISD-P AID %s", aid);
    return NULL;
  }
  memcpy (p->aid, g_bytes_get_data (aid_bytes, NULL), sizeof (p->aid));
  if (g_strcmp0 (state, "enabled") != 0 && g_strcmp0 (state, "disabled") != 0) {
    g_set_error (error, ESIM_SIM_ERROR, ESIM_SIM_ERROR_INVALID_DATA, "bad state “%s”", state);
    return NULL;
  }
  p->enabled = g_strcmp0 (state, "enabled") == 0;
  if (mcc_mnc != NULL) {
    p->owner_mcc_mnc = esim_sim_hex_decode (mcc_mnc, error);
    if (p->owner_mcc_mnc == NULL)
      return NULL;
  }
  if (!esim_sim_json_get_int (o, "class", 0, 2, &v, error))
    return NULL;
  p->profile_class = (EsimSimProfileClass) v;
  if (!esim_sim_json_get_int (o, "icon-type", -1, 1, &v, error))
    return NULL;
  p->icon_type = (gint) v;
  if (!esim_sim_json_get_int (o, "ppr", 0, 0xff, &v, error))
    return NULL;
  p->ppr = (guint32) v;
  if (!esim_sim_json_get_int (o, "size", 0, G_MAXINT64, &v, error))
    return NULL;
  p->size = (guint64) v;
  if (!esim_sim_json_get_int (o, "notify-events", 0, ESIM_SIM_EVENTS_ALL, &v, error))
    return NULL;
  p->notify_events = (guint32) v;
  if (esim_sim_state_find_iccid (self, p->iccid) != NULL
      || esim_sim_state_find_aid (self, p->aid, sizeof (p->aid)) != NULL
      || (p->enabled && esim_sim_state_get_enabled (self) != NULL)) {
    g_set_error (error, ESIM_SIM_ERROR, ESIM_SIM_ERROR_INVALID_DATA,
                 "profile %s is a duplicate or a second enabled profile", p->iccid);
    return NULL;
  }
  return g_steal_pointer (&p);
}

static EsimSimNotification *
esim_sim_state_read_notification (JsonNode *node, GError **error)
{
  EsimSimNotification *n;
  JsonObject *o;
  gint64 seq = 0;
  gint64 event = 0;

  if (!JSON_NODE_HOLDS_OBJECT (node)) {
    g_set_error_literal (error, ESIM_SIM_ERROR, ESIM_SIM_ERROR_INVALID_DATA,
                         "a notification is not an object");
    return NULL;
  }
  o = json_node_get_object (node);
  n = g_new0 (EsimSimNotification, 1);
  if (!esim_sim_json_get_int (o, "seq", 1, G_MAXINT64, &seq, error)
      || !esim_sim_json_get_int (o, "event", 0, 3, &event, error)
      || !esim_sim_json_get_string (o, "address", FALSE, &n->address, error)
      || !esim_sim_json_get_string (o, "iccid", TRUE, &n->iccid, error)
      || !esim_sim_json_get_bytes (o, "pending", &n->pending, error) || n->pending == NULL) {
    if (error != NULL && *error == NULL)
      g_set_error_literal (error, ESIM_SIM_ERROR, ESIM_SIM_ERROR_INVALID_DATA,
                           "notification without “pending”");
    esim_sim_notification_free (n);
    return NULL;
  }
  n->seq = (guint64) seq;
  n->event = (EsimSimEvent) event;
  return n;
}

static gboolean
esim_sim_state_read (EsimSimState *self, JsonNode *root, GError **error)
{
  JsonObject *o;
  JsonNode *node;
  gint64 v = 0;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root)) {
    g_set_error_literal (error, ESIM_SIM_ERROR, ESIM_SIM_ERROR_INVALID_DATA,
                         "the top level is not an object");
    return FALSE;
  }
  o = json_node_get_object (root);
  if (!esim_sim_json_get_int (o, "version", ESIM_SIM_STATE_VERSION, ESIM_SIM_STATE_VERSION, &v,
                              error))
    return FALSE;
  if (!esim_sim_json_get_int (o, "seq-counter", 0, G_MAXINT64, &v, error))
    return FALSE;
  self->seq_counter = (guint64) v;
  if (!esim_sim_json_get_int (o, "isdp-counter", 0, ESIM_SIM_MAX_ISDP, &v, error))
    return FALSE;
  self->aid_counter = (guint) v;
  if (!esim_sim_json_get_string (o, "default-smdp", TRUE, &self->default_smdp, error))
    return FALSE;

  node = json_object_get_member (o, "profiles");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node)) {
    g_set_error_literal (error, ESIM_SIM_ERROR, ESIM_SIM_ERROR_INVALID_DATA,
                         "“profiles” is missing or not an array");
    return FALSE;
  }
  for (guint i = 0; i < json_array_get_length (json_node_get_array (node)); i++) {
    EsimSimProfile *p = esim_sim_state_read_profile (
      self, json_array_get_element (json_node_get_array (node), i), error);
    if (p == NULL)
      return FALSE;
    g_ptr_array_add (self->profiles, p);
  }

  node = json_object_get_member (o, "notifications");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node)) {
    g_set_error_literal (error, ESIM_SIM_ERROR, ESIM_SIM_ERROR_INVALID_DATA,
                         "“notifications” is missing or not an array");
    return FALSE;
  }
  for (guint i = 0; i < json_array_get_length (json_node_get_array (node)); i++) {
    EsimSimNotification *n = esim_sim_state_read_notification (
      json_array_get_element (json_node_get_array (node), i), error);
    if (n == NULL)
      return FALSE;
    /* a sequence number at or below the counter keeps "never reused" true */
    if (n->seq > self->seq_counter) {
      esim_sim_notification_free (n);
      g_set_error_literal (error, ESIM_SIM_ERROR, ESIM_SIM_ERROR_INVALID_DATA,
                           "notification sequence number above the counter");
      return FALSE;
    }
    g_ptr_array_add (self->notifications, n);
  }
  return TRUE;
}

gboolean
esim_sim_state_load (EsimSimState *self, gboolean *existed, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) local = NULL;

  *existed = FALSE;
  if (self->path == NULL || !g_file_test (self->path, G_FILE_TEST_EXISTS))
    return TRUE;
  *existed = TRUE;
  if (!json_parser_load_from_file (parser, self->path, &local)
      || !esim_sim_state_read (self, json_parser_get_root (parser), &local)) {
    g_set_error (error, ESIM_SIM_ERROR, ESIM_SIM_ERROR_INVALID_DATA, "state file %s is corrupt: %s",
                 self->path, local->message);
    /* leave a clean, empty state behind */
    g_ptr_array_set_size (self->profiles, 0);
    g_ptr_array_set_size (self->notifications, 0);
    return FALSE;
  }
  return TRUE;
}

static void
esim_sim_state_finalize (GObject *object)
{
  EsimSimState *self = ESIM_SIM_STATE (object);

  g_free (self->path);
  g_free (self->default_smdp);
  g_ptr_array_unref (self->profiles);
  g_ptr_array_unref (self->notifications);
  G_OBJECT_CLASS (esim_sim_state_parent_class)->finalize (object);
}

static void
esim_sim_state_class_init (EsimSimStateClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = esim_sim_state_finalize;
}

static void
esim_sim_state_init (EsimSimState *self)
{
  self->profiles = g_ptr_array_new_with_free_func ((GDestroyNotify) esim_sim_profile_free);
  self->notifications
    = g_ptr_array_new_with_free_func ((GDestroyNotify) esim_sim_notification_free);
}
