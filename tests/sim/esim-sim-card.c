/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "esim-apdu.h"
#include "esim-tlv.h"
#include "esim-sim-card.h"
#include "esim-sim-crypto.h"
#include "esim-sim-upp.h"

/* channel numbers a CLA byte can name; only 0..ESIM_SIM_LAST_CHANNEL open */
#define ESIM_SIM_CHANNELS 20
#define ESIM_SIM_LAST_CHANNEL 3
/* P2 counts blocks in a byte, so no command is longer than this */
#define ESIM_SIM_MAX_COMMAND (256 * 255)

static const guint8 atr[] = {
  0x3B, 0x9F, 0x96, 0x80, 0x1F, 0xC7, 0x80, 0x31, 0xE0, 0x73,
  0xFE, 0x21, 0x1B, 0x63, 0xF1, 0x00, 0x82, 0x90, 0x00, 0x0D,
};

typedef struct {
  gboolean open;
  gboolean isdr_selected;
  GByteArray *command; /* a STORE DATA command being assembled */
  guint next_block;
  gsize largest_block;
  GBytes *response; /* what GET RESPONSE still has to deliver */
  gsize response_offset;
} EsimSimChannel;

struct _EsimSimCard {
  GObject parent_instance;
  EsimSimState *state;
  EsimSimEs10 *es10;
  GBytes *isdr_aid;
  gboolean strict_le;
  guint max_segment;
  guint16 max_segment_sw;
  EsimSimQuirks quirks;
  EsimSimChannel channels[ESIM_SIM_CHANNELS];
  gchar *stats_path;
  GHashTable *store_data; /* request tag -> StoreDataStats */
};

/* the STORE DATA blocks each ES10 command came in, for --stats-file */
typedef struct {
  guint commands;
  guint segments;
  guint last_segments;
  gsize last_length;
  gsize largest_segment;
} StoreDataStats;

G_DEFINE_TYPE (EsimSimCard, esim_sim_card, G_TYPE_OBJECT)

EsimSimConfig *
esim_sim_config_new (void)
{
  return g_new0 (EsimSimConfig, 1);
}

void
esim_sim_config_free (EsimSimConfig *config)
{
  if (config == NULL)
    return;
  g_free (config->pki_dir);
  g_free (config->state_path);
  g_free (config->isdr_aid);
  g_free (config->eid);
  g_free (config->default_smdp);
  g_free (config->root_smds);
  g_free (config->stats_path);
  g_strfreev (config->profiles);
  g_strfreev (config->rat);
  g_free (config);
}

static void
esim_sim_channel_clear (EsimSimChannel *ch)
{
  g_clear_pointer (&ch->command, g_byte_array_unref);
  g_clear_pointer (&ch->response, g_bytes_unref);
  ch->next_block = 0;
  ch->largest_block = 0;
  ch->response_offset = 0;
}

static void
esim_sim_channel_close (EsimSimChannel *ch)
{
  esim_sim_channel_clear (ch);
  ch->open = FALSE;
  ch->isdr_selected = FALSE;
}

static GBytes *
esim_sim_sw (guint16 sw)
{
  guint8 buf[2] = { (guint8) (sw >> 8), (guint8) sw };

  return g_bytes_new (buf, sizeof (buf));
}

static GBytes *
esim_sim_rapdu (const guint8 *data, gsize len, guint16 sw)
{
  GByteArray *buf = g_byte_array_sized_new (len + 2);
  guint8 tail[2] = { (guint8) (sw >> 8), (guint8) sw };

  if (len > 0)
    g_byte_array_append (buf, data, len);
  g_byte_array_append (buf, tail, 2);
  return g_byte_array_free_to_bytes (buf);
}

static guint16
esim_sim_more_sw (gsize remaining)
{
  /* 61 00 means 256 or more */
  return (guint16) (0x6100 | (remaining >= 256 ? 0 : remaining));
}

/* responses always go through GET RESPONSE, as over T=0 and most modems */
static GBytes *
esim_sim_card_answer (EsimSimChannel *ch, GBytes *body)
{
  if (body == NULL || g_bytes_get_size (body) == 0)
    return esim_sim_sw (ESIM_APDU_SW_OK);
  g_clear_pointer (&ch->response, g_bytes_unref);
  ch->response = g_bytes_ref (body);
  ch->response_offset = 0;
  return esim_sim_sw (esim_sim_more_sw (g_bytes_get_size (body)));
}

static GBytes *
esim_sim_card_get_response (EsimSimCard *self, EsimSimChannel *ch, guint8 p1, guint8 p2, gint le)
{
  const guint8 *data;
  gsize size = 0;
  gsize remaining;
  gsize n;
  GBytes *out;

  if (p1 != 0 || p2 != 0)
    return esim_sim_sw (0x6A86);
  if (ch->response == NULL)
    return esim_sim_sw (0x6985);
  data = g_bytes_get_data (ch->response, &size);
  remaining = size - ch->response_offset;
  /* an absent Le asks for nothing; a strict card wants the exact length */
  if (self->strict_le && remaining < 256 && (gsize) le != remaining)
    return esim_sim_sw ((guint16) (0x6C00 | remaining));
  if (le < 0)
    le = 256;
  n = MIN ((gsize) le, remaining);
  out = esim_sim_rapdu (data + ch->response_offset, n,
                        remaining - n == 0 ? ESIM_APDU_SW_OK : esim_sim_more_sw (remaining - n));
  ch->response_offset += n;
  if (ch->response_offset == size)
    esim_sim_channel_clear (ch);
  return out;
}

static GBytes *
esim_sim_card_manage_channel (EsimSimCard *self, guint channel, guint8 p1, guint8 p2)
{
  if (p1 == 0x00) {
    guint n = p2;
    guint8 number;

    if (n == 0) {
      for (n = 1; n <= ESIM_SIM_LAST_CHANNEL; n++) {
        if (!self->channels[n].open)
          break;
      }
    }
    if (n > ESIM_SIM_LAST_CHANNEL || self->channels[n].open)
      return esim_sim_sw (0x6A81);
    number = (guint8) n;
    esim_sim_channel_close (&self->channels[n]);
    self->channels[n].open = TRUE;
    if (p2 != 0)
      return esim_sim_sw (ESIM_APDU_SW_OK);
    return esim_sim_rapdu (&number, 1, ESIM_APDU_SW_OK);
  }
  if (p1 == 0x80) {
    guint target = p2 != 0 ? p2 : channel;

    /* the basic channel is always there */
    if (target == 0)
      return esim_sim_sw (0x6A86);
    if (target >= ESIM_SIM_CHANNELS || !self->channels[target].open)
      return esim_sim_sw (0x6881);
    esim_sim_channel_close (&self->channels[target]);
    return esim_sim_sw (ESIM_APDU_SW_OK);
  }
  return esim_sim_sw (0x6A86);
}

static GBytes *
esim_sim_card_fci (EsimSimCard *self)
{
  g_autoptr (EsimTlvBuilder) b = esim_tlv_builder_new ();
  static const guint8 max_length = 0xFF;
  static const guint8 svn[3] = { 0x02, 0x02, 0x02 };

  esim_tlv_builder_begin (b, 0x6F);
  esim_tlv_builder_add_bytes (b, 0x84, self->isdr_aid);
  esim_tlv_builder_begin (b, 0xA5);
  esim_tlv_builder_add (b, 0x9F65, &max_length, 1);
  esim_tlv_builder_end (b);
  esim_tlv_builder_begin (b, 0xE0);
  esim_tlv_builder_add (b, 0x82, svn, sizeof (svn));
  esim_tlv_builder_end (b);
  esim_tlv_builder_end (b);
  return esim_tlv_builder_finish (b);
}

static GBytes *
esim_sim_card_select (EsimSimCard *self, EsimSimChannel *ch, guint8 p1, guint8 p2,
                      const guint8 *data, gsize lc)
{
  gsize aid_len = 0;
  const guint8 *aid = g_bytes_get_data (self->isdr_aid, &aid_len);
  g_autoptr (GBytes) fci = NULL;

  if (p1 != 0x04 || (p2 != 0x00 && p2 != 0x04 && p2 != 0x0C))
    return esim_sim_sw (0x6A86);
  if (p2 == 0x0C && (self->quirks & ESIM_SIM_QUIRK_NO_SELECT_P2_0C))
    return esim_sim_sw (0x6A86);
  if (lc < 1)
    return esim_sim_sw (0x6700);
  /* a right-truncated AID selects too (ISO 7816-4 partial selection) */
  if (lc < 5 || lc > aid_len || memcmp (data, aid, lc) != 0)
    return esim_sim_sw (0x6A82);
  esim_sim_channel_clear (ch);
  ch->isdr_selected = TRUE;
  if (p2 == 0x0C)
    return esim_sim_sw (ESIM_APDU_SW_OK);
  fci = esim_sim_card_fci (self);
  return esim_sim_card_answer (ch, fci);
}

static void
esim_sim_card_write_stats (EsimSimCard *self)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GList) keys = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree gchar *text = NULL;

  if (self->stats_path == NULL)
    return;
  keys = g_list_sort (g_hash_table_get_keys (self->store_data), (GCompareFunc) g_strcmp0);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "storeData");
  json_builder_begin_object (b);
  for (GList *l = keys; l != NULL; l = l->next) {
    StoreDataStats *st = g_hash_table_lookup (self->store_data, l->data);

    json_builder_set_member_name (b, l->data);
    json_builder_begin_object (b);
    json_builder_set_member_name (b, "commands");
    json_builder_add_int_value (b, st->commands);
    json_builder_set_member_name (b, "segments");
    json_builder_add_int_value (b, st->segments);
    json_builder_set_member_name (b, "lastSegments");
    json_builder_add_int_value (b, st->last_segments);
    json_builder_set_member_name (b, "lastLength");
    json_builder_add_int_value (b, (gint64) st->last_length);
    json_builder_set_member_name (b, "largestSegment");
    json_builder_add_int_value (b, (gint64) st->largest_segment);
    json_builder_end_object (b);
  }
  json_builder_end_object (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  text = json_generator_to_data (gen, NULL);
  /* written aside and renamed: a reader never sees half a file */
  if (!g_file_set_contents (self->stats_path, text, -1, &error))
    g_warning ("cannot write the stats: %s", error->message);
}

static void
esim_sim_card_count_command (EsimSimCard *self, GBytes *request, guint segments, gsize largest)
{
  EsimTlv tlv;
  g_autofree gchar *key = NULL;
  StoreDataStats *st;

  key = esim_tlv_decode_bytes (request, &tlv, NULL) ? g_strdup_printf ("%X", tlv.tag)
                                                    : g_strdup ("malformed");
  st = g_hash_table_lookup (self->store_data, key);
  if (st == NULL) {
    st = g_new0 (StoreDataStats, 1);
    g_hash_table_insert (self->store_data, g_strdup (key), st);
  }
  st->commands++;
  st->segments += segments;
  st->last_segments = segments;
  st->last_length = g_bytes_get_size (request);
  st->largest_segment = MAX (st->largest_segment, largest);
  esim_sim_card_write_stats (self);
}

static GBytes *
esim_sim_card_store_data (EsimSimCard *self, EsimSimChannel *ch, guint8 p1, guint8 p2,
                          const guint8 *data, gsize lc)
{
  g_autoptr (GBytes) request = NULL;
  g_autoptr (GBytes) response = NULL;
  guint16 sw = ESIM_APDU_SW_OK;

  if (!ch->isdr_selected)
    return esim_sim_sw (0x6985);
  /* a card with a small APDU buffer: the block is refused and so is what
   * came before it */
  if (self->max_segment > 0 && lc > self->max_segment) {
    esim_sim_channel_clear (ch);
    return esim_sim_sw (self->max_segment_sw);
  }
  /* a bad block drops the whole command: the LPA has to start over */
  if ((p1 != 0x11 && p1 != 0x91) || p2 != (ch->command != NULL ? ch->next_block : 0)
      || (ch->command != NULL && ch->command->len + lc > ESIM_SIM_MAX_COMMAND)) {
    esim_sim_channel_clear (ch);
    return esim_sim_sw (0x6A86);
  }
  if (ch->command == NULL)
    ch->command = g_byte_array_new ();
  g_byte_array_append (ch->command, data, (guint) lc);
  ch->next_block++;
  ch->largest_block = MAX (ch->largest_block, lc);
  if (p1 == 0x11)
    return esim_sim_sw (ESIM_APDU_SW_OK);

  request = g_byte_array_free_to_bytes (g_steal_pointer (&ch->command));
  esim_sim_card_count_command (self, request, ch->next_block, ch->largest_block);
  ch->next_block = 0;
  ch->largest_block = 0;
  response = esim_sim_es10_handle (self->es10, request, &sw);
  if (response == NULL)
    return esim_sim_sw (sw);
  return esim_sim_card_answer (ch, response);
}

static void
esim_sim_card_log (const gchar *what, GBytes *apdu)
{
  g_autofree gchar *hex = NULL;

  if (g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, G_LOG_DOMAIN))
    return;
  hex = esim_sim_hex_encode (g_bytes_get_data (apdu, NULL), g_bytes_get_size (apdu));
  g_debug ("%s %s", what, hex);
}

static GBytes *
esim_sim_card_process (EsimSimCard *self, GBytes *capdu)
{
  gsize len = 0;
  const guint8 *buf = g_bytes_get_data (capdu, &len);
  const guint8 *data = NULL;
  EsimSimChannel *ch;
  guint8 cla, ins, p1, p2;
  gboolean proprietary;
  gsize lc = 0;
  gint le = -1;

  if (len < 4)
    return esim_sim_sw (0x6700);
  cla = buf[0];
  ins = buf[1];
  p1 = buf[2];
  p2 = buf[3];
  /* short APDUs only: a zero Lc with more bytes would be extended length */
  if (len == 5) {
    le = buf[4] == 0 ? 256 : buf[4];
  } else if (len > 5) {
    lc = buf[4];
    data = buf + 5;
    if (lc == 0 || (len != 5 + lc && len != 6 + lc))
      return esim_sim_sw (0x6700);
    if (len == 6 + lc)
      le = buf[5 + lc] == 0 ? 256 : buf[5 + lc];
  }

  /* CLA: first (b7 = 0) or further (b7 = 1) interindustry coding, either
   * as ISO (b8 = 0) or proprietary GlobalPlatform (b8 = 1) class */
  if (cla == 0xFF || (cla & 0x60) == 0x20)
    return esim_sim_sw (0x6E00);
  if (cla & 0x10)
    return esim_sim_sw (0x6884); /* command chaining */
  if ((cla & 0x40) ? (cla & 0x20) : (cla & 0x0C))
    return esim_sim_sw (0x6882); /* secure messaging */
  proprietary = (cla & 0x80) != 0;
  ch = &self->channels[esim_apdu_channel_from_cla (cla)];
  if (!ch->open)
    return esim_sim_sw (0x6881);

  /* any other command ends the GET RESPONSE sequence */
  if (ins != ESIM_APDU_INS_GET_RESPONSE)
    g_clear_pointer (&ch->response, g_bytes_unref);

  switch (ins) {
  case ESIM_APDU_INS_MANAGE_CHANNEL:
    if (proprietary)
      return esim_sim_sw (0x6E00);
    return esim_sim_card_manage_channel (self, esim_apdu_channel_from_cla (cla), p1, p2);
  case ESIM_APDU_INS_SELECT:
    if (proprietary)
      return esim_sim_sw (0x6E00);
    return esim_sim_card_select (self, ch, p1, p2, data, lc);
  case ESIM_APDU_INS_GET_RESPONSE:
    return esim_sim_card_get_response (self, ch, p1, p2, le);
  case ESIM_APDU_INS_STORE_DATA:
    if (!proprietary)
      return esim_sim_sw (0x6E00);
    return esim_sim_card_store_data (self, ch, p1, p2, data, lc);
  default:
    return esim_sim_sw (0x6D00);
  }
}

GBytes *
esim_sim_card_transmit (EsimSimCard *self, GBytes *capdu)
{
  GBytes *rapdu;

  esim_sim_card_log ("C-APDU", capdu);
  rapdu = esim_sim_card_process (self, capdu);
  esim_sim_card_log ("R-APDU", rapdu);
  return rapdu;
}

GBytes *
esim_sim_card_reset (EsimSimCard *self)
{
  for (guint i = 0; i < ESIM_SIM_CHANNELS; i++)
    esim_sim_channel_close (&self->channels[i]);
  self->channels[0].open = TRUE;
  esim_sim_es10_reset (self->es10);
  g_debug ("card reset");
  return g_bytes_new_static (atr, sizeof (atr));
}

void
esim_sim_card_set_strict_le (EsimSimCard *self, gboolean strict_le)
{
  self->strict_le = strict_le;
}

EsimSimEs10 *
esim_sim_card_get_es10 (EsimSimCard *self)
{
  return self->es10;
}

EsimSimState *
esim_sim_card_get_state (EsimSimCard *self)
{
  return self->state;
}

EsimSimCard *
esim_sim_card_new (const EsimSimConfig *config, GError **error)
{
  g_autoptr (EsimSimCard) self = g_object_new (ESIM_SIM_TYPE_CARD, NULL);
  g_autoptr (EsimSimCrypto) crypto = NULL;
  gboolean existed = FALSE;

  if (config->pki_dir == NULL) {
    g_set_error_literal (error, ESIM_SIM_ERROR, ESIM_SIM_ERROR_INVALID_ARGUMENT,
                         "no PKI directory given");
    return NULL;
  }
  self->isdr_aid
    = esim_sim_hex_decode (config->isdr_aid != NULL ? config->isdr_aid : ESIM_SIM_ISDR_AID, error);
  if (self->isdr_aid == NULL)
    return NULL;
  if (g_bytes_get_size (self->isdr_aid) < 5 || g_bytes_get_size (self->isdr_aid) > 16) {
    g_set_error (error, ESIM_SIM_ERROR, ESIM_SIM_ERROR_INVALID_ARGUMENT,
                 "an AID has 5 to 16 bytes, not %" G_GSIZE_FORMAT,
                 g_bytes_get_size (self->isdr_aid));
    return NULL;
  }
  crypto = esim_sim_crypto_new (config->pki_dir, error);
  if (crypto == NULL)
    return NULL;
  self->stats_path = g_strdup (config->stats_path);
  self->state = esim_sim_state_new (config->state_path, config->memory);
  if (!esim_sim_state_load (self->state, &existed, error))
    return NULL;
  /* seeding and the initial default SM-DP+ are the factory state: they
   * apply once, when there is no state file yet */
  if (!existed) {
    for (guint i = 0; config->profiles != NULL && config->profiles[i] != NULL; i++) {
      if (!esim_sim_state_seed (self->state, config->profiles[i], error))
        return NULL;
    }
    esim_sim_state_set_default_smdp (self->state, config->default_smdp);
    if (!esim_sim_state_save (self->state, error))
      return NULL;
  }
  self->es10 = esim_sim_es10_new (
    self->state, crypto, config->root_smds != NULL ? config->root_smds : ESIM_SIM_DEFAULT_ROOT_SMDS,
    config->eid, (const gchar *const *) config->rat, error);
  if (self->es10 == NULL)
    return NULL;
  self->strict_le = config->strict_le;
  self->max_segment = config->max_segment;
  self->max_segment_sw = config->max_segment_sw != 0 ? config->max_segment_sw : 0x6700;
  self->quirks = config->quirks;
  esim_sim_es10_set_quirks (self->es10, config->quirks);
  g_bytes_unref (esim_sim_card_reset (self));
  return g_steal_pointer (&self);
}

static void
esim_sim_card_finalize (GObject *object)
{
  EsimSimCard *self = ESIM_SIM_CARD (object);

  for (guint i = 0; i < ESIM_SIM_CHANNELS; i++)
    esim_sim_channel_clear (&self->channels[i]);
  g_clear_object (&self->es10);
  g_clear_object (&self->state);
  g_clear_pointer (&self->isdr_aid, g_bytes_unref);
  g_free (self->stats_path);
  g_hash_table_unref (self->store_data);
  G_OBJECT_CLASS (esim_sim_card_parent_class)->finalize (object);
}

static void
esim_sim_card_class_init (EsimSimCardClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = esim_sim_card_finalize;
}

static void
esim_sim_card_init (EsimSimCard *self)
{
  self->store_data = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}
