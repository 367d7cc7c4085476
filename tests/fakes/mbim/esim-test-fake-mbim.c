/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <libmbim-glib.h>

#include "esim-apdu.h"
#include "esim-test-fake-card.h"
#include "esim-test-fake-mbim.h"
#include "esim-test-fake-pty.h"
#include "mbim/esim-transport-mbim.h"

#define MBIM_HEADER_LEN 12
#define MBIM_MAX_MESSAGE 4096

struct _EsimTestFakeMbim {
  EsimTestFakePty *pty;
  EsimTestFakeCard *card;
  GByteArray *in;
  GQueue requests; /* MbimMessage from the host, one handled at a time */
  gboolean busy;
  gboolean dying;
  guint delay_id;
  GByteArray *delayed;  /* the answer held back by the delay knob */
  GHashTable *channels; /* channel → channel group */
  guint max_channels;
  guint request_count;
  guint fail_nth;
  guint fail_status;
  guint delay_ms;
  guint refused_p2; /* bit 0: P2 00, bit 1: 04, bit 2: 0C */
  gint class_byte_type;
  guint n_slots;
  guint esim_slot;
  guint mapped_slot;
  guint indications;
  guint8 last_p2;
  gint last_class_byte_type;
};

/* little-endian builders */

static void
put32 (GByteArray *buf, guint32 v)
{
  guint8 b[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24 };

  g_byte_array_append (buf, b, 4);
}

static guint32
get32 (const guint8 *p)
{
  return (guint32) p[0] | ((guint32) p[1] << 8) | ((guint32) p[2] << 16) | ((guint32) p[3] << 24);
}

static void
set32 (GByteArray *buf, guint offset, guint32 v)
{
  buf->data[offset] = v & 0xff;
  buf->data[offset + 1] = (v >> 8) & 0xff;
  buf->data[offset + 2] = (v >> 16) & 0xff;
  buf->data[offset + 3] = v >> 24;
}

/* an offset/length pair's data, inside the information buffer; the MS
 * UICC Low Level Access messages put the size first */
static gboolean
get_pair (const guint8 *info, guint32 info_len, guint32 at, gboolean size_first,
          const guint8 **data, guint32 *len)
{
  guint32 offset;

  if (at + 8 > info_len)
    return FALSE;
  offset = get32 (info + at + (size_first ? 4 : 0));
  *len = get32 (info + at + (size_first ? 0 : 4));
  if (offset > info_len || *len > info_len - offset)
    return FALSE;
  *data = info + offset;
  return TRUE;
}

static void
pad4 (GByteArray *buf)
{
  static const guint8 zero[3] = { 0 };

  if (buf->len % 4 != 0)
    g_byte_array_append (buf, zero, 4 - buf->len % 4);
}

/* MBIM carries SW1 in the low byte of the status and SW2 in the next */
static guint32
sw_to_status (guint16 sw)
{
  return (guint32) (sw >> 8) | ((guint32) (sw & 0xff) << 8);
}

/* sending */

static void fake_mbim_next (EsimTestFakeMbim *self);

static gboolean
fake_mbim_delayed_cb (gpointer user_data)
{
  EsimTestFakeMbim *self = user_data;

  self->delay_id = 0;
  esim_test_fake_pty_write (self->pty, self->delayed->data, self->delayed->len);
  g_clear_pointer (&self->delayed, g_byte_array_unref);
  self->busy = FALSE;
  fake_mbim_next (self);
  return G_SOURCE_REMOVE;
}

/* the answer to the request in hand; the next one is taken after it */
static void
fake_mbim_answer (EsimTestFakeMbim *self, GByteArray *msg)
{
  set32 (msg, 4, msg->len);
  if (self->dying) {
    g_byte_array_unref (msg);
    return;
  }
  if (self->delay_ms > 0) {
    self->delayed = msg;
    self->delay_id = g_timeout_add (self->delay_ms, fake_mbim_delayed_cb, self);
    return;
  }
  esim_test_fake_pty_write (self->pty, msg->data, msg->len);
  g_byte_array_unref (msg);
  self->busy = FALSE;
  fake_mbim_next (self);
}

static GByteArray *
command_done_new (const MbimMessage *request, guint32 status)
{
  GByteArray *msg = g_byte_array_new ();

  put32 (msg, MBIM_MESSAGE_TYPE_COMMAND_DONE);
  put32 (msg, 0);
  put32 (msg, mbim_message_get_transaction_id (request));
  put32 (msg, 1); /* fragments: total */
  put32 (msg, 0); /* fragments: current */
  g_byte_array_append (msg, (const guint8 *) mbim_message_command_get_service_id (request), 16);
  put32 (msg, mbim_message_command_get_cid (request));
  put32 (msg, status);
  put32 (msg, 0); /* information buffer length, set by command_done_finish */
  return msg;
}

/* the information buffer starts at byte 48 of a COMMAND_DONE */
#define COMMAND_DONE_INFO 48

static void
command_done_finish (EsimTestFakeMbim *self, GByteArray *msg)
{
  set32 (msg, COMMAND_DONE_INFO - 4, msg->len - COMMAND_DONE_INFO);
  fake_mbim_answer (self, msg);
}

static void
fake_mbim_indicate (EsimTestFakeMbim *self, MbimService service, guint32 cid, GByteArray *info)
{
  g_autoptr (GByteArray) msg = g_byte_array_new ();

  put32 (msg, MBIM_MESSAGE_TYPE_INDICATE_STATUS);
  put32 (msg, 0);
  put32 (msg, 0);
  put32 (msg, 1);
  put32 (msg, 0);
  g_byte_array_append (msg, (const guint8 *) mbim_uuid_from_service (service), 16);
  put32 (msg, cid);
  put32 (msg, info->len);
  g_byte_array_append (msg, info->data, info->len);
  set32 (msg, 4, msg->len);
  esim_test_fake_pty_write (self->pty, msg->data, msg->len);
  self->indications++;
}

static void
fake_mbim_indicate_slot (EsimTestFakeMbim *self, MbimUiccSlotState state)
{
  g_autoptr (GByteArray) info = g_byte_array_new ();

  put32 (info, self->esim_slot);
  put32 (info, state);
  fake_mbim_indicate (self, MBIM_SERVICE_MS_BASIC_CONNECT_EXTENSIONS,
                      MBIM_CID_MS_BASIC_CONNECT_EXTENSIONS_SLOT_INFO_STATUS, info);
}

/* MS UICC Low Level Access */

typedef struct {
  EsimTestFakeMbim *self;
  MbimMessage *request;
  guint32 group;
} Pending;

static void
pending_free (Pending *p)
{
  mbim_message_unref (p->request);
  g_free (p);
}

static void
open_channel_done (guint channel, GBytes *fci, guint16 sw, gpointer user_data)
{
  Pending *p = user_data;
  GByteArray *msg;
  gsize len = 0;
  const guint8 *data = fci != NULL ? g_bytes_get_data (fci, &len) : NULL;

  if (p->self->dying) {
    pending_free (p);
    return;
  }
  if (channel > 0)
    g_hash_table_insert (p->self->channels, GUINT_TO_POINTER (channel),
                         GUINT_TO_POINTER (p->group));
  msg = command_done_new (p->request, MBIM_STATUS_ERROR_NONE);
  put32 (msg, sw_to_status (sw));
  put32 (msg, channel);
  put32 (msg, (guint32) len);
  put32 (msg, 16);
  if (len > 0)
    g_byte_array_append (msg, data, (guint) len);
  pad4 (msg);
  command_done_finish (p->self, msg);
  pending_free (p);
}

static void
handle_open_channel (EsimTestFakeMbim *self, const MbimMessage *request, const guint8 *info,
                     guint32 info_len)
{
  const guint8 *aid = NULL;
  guint32 aid_len = 0;
  guint32 p2;
  Pending *p;
  g_autoptr (GBytes) aid_bytes = NULL;
  guint bit;

  if (!get_pair (info, info_len, 0, TRUE, &aid, &aid_len) || info_len < 16) {
    command_done_finish (self, command_done_new (request, MBIM_STATUS_ERROR_INVALID_PARAMETERS));
    return;
  }
  p2 = get32 (info + 8);
  self->last_p2 = (guint8) p2;
  bit = p2 == 0x00 ? 1 : p2 == 0x04 ? 2 : p2 == 0x0C ? 4 : 0;
  if (bit == 0 || (self->refused_p2 & bit)) {
    command_done_finish (self, command_done_new (request, MBIM_STATUS_ERROR_FAILURE));
    return;
  }
  if (g_hash_table_size (self->channels) >= self->max_channels) {
    GByteArray *msg = command_done_new (request, MBIM_STATUS_ERROR_NONE);

    put32 (msg, sw_to_status (0x6A81));
    put32 (msg, 0);
    put32 (msg, 0);
    put32 (msg, 16);
    command_done_finish (self, msg);
    return;
  }
  p = g_new0 (Pending, 1);
  p->self = self;
  p->request = mbim_message_dup (request);
  p->group = get32 (info + 12);
  aid_bytes = g_bytes_new (aid, aid_len);
  esim_test_fake_card_open_channel (self->card, aid_bytes, (guint8) p2, open_channel_done, p);
}

static void
apdu_done (GBytes *rapdu, gpointer user_data)
{
  Pending *p = user_data;
  GByteArray *msg;
  gsize len = 0;
  const guint8 *r;

  if (p->self->dying || rapdu == NULL) {
    /* a card that went is a modem that went: the pty hangs up */
    pending_free (p);
    return;
  }
  r = g_bytes_get_data (rapdu, &len);
  msg = command_done_new (p->request, MBIM_STATUS_ERROR_NONE);
  put32 (msg, sw_to_status ((guint16) (r[len - 2] << 8 | r[len - 1])));
  put32 (msg, (guint32) len - 2);
  put32 (msg, 12);
  g_byte_array_append (msg, r, (guint) len - 2);
  pad4 (msg);
  command_done_finish (p->self, msg);
  pending_free (p);
}

static void
handle_apdu (EsimTestFakeMbim *self, const MbimMessage *request, const guint8 *info,
             guint32 info_len)
{
  const guint8 *command = NULL;
  guint32 command_len = 0;
  guint32 channel;
  guint32 type;
  g_autofree guint8 *copy = NULL;
  g_autoptr (GBytes) apdu = NULL;
  Pending *p;

  if (info_len < 20 || !get_pair (info, info_len, 12, TRUE, &command, &command_len)
      || command_len < 4) {
    command_done_finish (self, command_done_new (request, MBIM_STATUS_ERROR_INVALID_PARAMETERS));
    return;
  }
  channel = get32 (info);
  type = get32 (info + 8);
  self->last_class_byte_type = (gint) type;
  if ((self->class_byte_type >= 0 && type != (guint32) self->class_byte_type) || channel > 19
      || (type == MBIM_UICC_CLASS_BYTE_TYPE_INTER_INDUSTRY && channel > 3)) {
    command_done_finish (self, command_done_new (request, MBIM_STATUS_ERROR_INVALID_PARAMETERS));
    return;
  }
  /* the modem codes the channel into the class byte itself */
  copy = g_memdup2 (command, command_len);
  copy[0] = esim_apdu_cla_for_channel (copy[0] & 0x80, channel);
  apdu = g_bytes_new (copy, command_len);
  p = g_new0 (Pending, 1);
  p->self = self;
  p->request = mbim_message_dup (request);
  esim_test_fake_card_apdu (self->card, apdu, apdu_done, p);
}

static void
handle_close_channel (EsimTestFakeMbim *self, const MbimMessage *request, const guint8 *info,
                      guint32 info_len)
{
  GByteArray *msg;
  guint32 channel;
  guint32 group;
  guint16 sw = ESIM_APDU_SW_OK;

  if (info_len < 8) {
    command_done_finish (self, command_done_new (request, MBIM_STATUS_ERROR_INVALID_PARAMETERS));
    return;
  }
  channel = get32 (info);
  group = get32 (info + 4);
  if (channel == 0 && group != 0) {
    /* every channel of the group */
    GHashTableIter iter;
    gpointer key, value;

    g_hash_table_iter_init (&iter, self->channels);
    while (g_hash_table_iter_next (&iter, &key, &value)) {
      if (GPOINTER_TO_UINT (value) != group)
        continue;
      esim_test_fake_card_close_channel (self->card, GPOINTER_TO_UINT (key), NULL, NULL);
      g_hash_table_iter_remove (&iter);
    }
  } else if (g_hash_table_remove (self->channels, GUINT_TO_POINTER (channel))) {
    esim_test_fake_card_close_channel (self->card, channel, NULL, NULL);
  } else {
    sw = 0x6881;
  }
  msg = command_done_new (request, MBIM_STATUS_ERROR_NONE);
  put32 (msg, sw_to_status (sw));
  command_done_finish (self, msg);
}

/* MS Basic Connect Extensions: slots */

static void
handle_slot_mappings (EsimTestFakeMbim *self, const MbimMessage *request, const guint8 *info,
                      guint32 info_len)
{
  GByteArray *msg;

  if (mbim_message_command_get_command_type (request) == MBIM_MESSAGE_COMMAND_TYPE_SET) {
    const guint8 *slot = NULL;
    guint32 slot_len = 0;

    if (info_len < 12 || get32 (info) != 1 || !get_pair (info, info_len, 4, FALSE, &slot, &slot_len)
        || slot_len < 4 || get32 (slot) >= self->n_slots) {
      command_done_finish (self, command_done_new (request, MBIM_STATUS_ERROR_INVALID_PARAMETERS));
      return;
    }
    if (get32 (slot) != self->mapped_slot) {
      /* another card: the channels of the old one are gone */
      g_hash_table_remove_all (self->channels);
      self->mapped_slot = get32 (slot);
    }
  }
  msg = command_done_new (request, MBIM_STATUS_ERROR_NONE);
  put32 (msg, 1);
  put32 (msg, 12);
  put32 (msg, 4);
  put32 (msg, self->mapped_slot);
  command_done_finish (self, msg);
}

static void
handle_slot_info (EsimTestFakeMbim *self, const MbimMessage *request, const guint8 *info,
                  guint32 info_len)
{
  GByteArray *msg;
  guint32 slot;

  if (info_len < 4 || get32 (info) >= self->n_slots) {
    command_done_finish (self, command_done_new (request, MBIM_STATUS_ERROR_INVALID_PARAMETERS));
    return;
  }
  slot = get32 (info);
  msg = command_done_new (request, MBIM_STATUS_ERROR_NONE);
  put32 (msg, slot);
  put32 (msg,
         slot == self->esim_slot ? MBIM_UICC_SLOT_STATE_ACTIVE_ESIM : MBIM_UICC_SLOT_STATE_EMPTY);
  command_done_finish (self, msg);
}

static void
handle_command (EsimTestFakeMbim *self, const MbimMessage *request)
{
  MbimService service = mbim_message_command_get_service (request);
  guint32 cid = mbim_message_command_get_cid (request);
  guint32 info_len = 0;
  const guint8 *info = mbim_message_command_get_raw_information_buffer (request, &info_len);

  self->request_count++;
  if (self->request_count == self->fail_nth) {
    command_done_finish (self, command_done_new (request, self->fail_status));
    return;
  }
  if (service == MBIM_SERVICE_MS_UICC_LOW_LEVEL_ACCESS) {
    if (self->mapped_slot != self->esim_slot) {
      command_done_finish (self, command_done_new (request, MBIM_STATUS_ERROR_SIM_NOT_INSERTED));
      return;
    }
    switch (cid) {
    case MBIM_CID_MS_UICC_LOW_LEVEL_ACCESS_OPEN_CHANNEL:
      handle_open_channel (self, request, info, info_len);
      return;
    case MBIM_CID_MS_UICC_LOW_LEVEL_ACCESS_APDU:
      handle_apdu (self, request, info, info_len);
      return;
    case MBIM_CID_MS_UICC_LOW_LEVEL_ACCESS_CLOSE_CHANNEL:
      handle_close_channel (self, request, info, info_len);
      return;
    default:
      break;
    }
  } else if (service == MBIM_SERVICE_MS_BASIC_CONNECT_EXTENSIONS && self->n_slots > 0) {
    if (cid == MBIM_CID_MS_BASIC_CONNECT_EXTENSIONS_DEVICE_SLOT_MAPPINGS) {
      handle_slot_mappings (self, request, info, info_len);
      return;
    }
    if (cid == MBIM_CID_MS_BASIC_CONNECT_EXTENSIONS_SLOT_INFO_STATUS) {
      handle_slot_info (self, request, info, info_len);
      return;
    }
  }
  command_done_finish (self, command_done_new (request, MBIM_STATUS_ERROR_NO_DEVICE_SUPPORT));
}

static void
fake_mbim_handle (EsimTestFakeMbim *self, const MbimMessage *message)
{
  guint32 tid = mbim_message_get_transaction_id (message);
  g_autoptr (MbimMessage) reply = NULL;
  gsize len = 0;
  const guint8 *raw;

  switch (mbim_message_get_message_type (message)) {
  case MBIM_MESSAGE_TYPE_OPEN:
    reply = mbim_message_open_done_new (tid, MBIM_STATUS_ERROR_NONE);
    break;
  case MBIM_MESSAGE_TYPE_CLOSE: {
    /* the session ends: so do its channels */
    GHashTableIter iter;
    gpointer key;

    g_hash_table_iter_init (&iter, self->channels);
    while (g_hash_table_iter_next (&iter, &key, NULL))
      esim_test_fake_card_close_channel (self->card, GPOINTER_TO_UINT (key), NULL, NULL);
    g_hash_table_remove_all (self->channels);
    reply = mbim_message_close_done_new (tid, MBIM_STATUS_ERROR_NONE);
    break;
  }
  case MBIM_MESSAGE_TYPE_COMMAND:
    handle_command (self, message);
    return;
  default:
    /* host errors and the like need no answer */
    self->busy = FALSE;
    return;
  }
  raw = mbim_message_get_raw (reply, (guint32 *) &len, NULL);
  fake_mbim_answer (self, g_byte_array_append (g_byte_array_new (), raw, (guint) len));
}

static void
fake_mbim_next (EsimTestFakeMbim *self)
{
  while (!self->busy && !self->dying && !g_queue_is_empty (&self->requests)) {
    g_autoptr (MbimMessage) message = g_queue_pop_head (&self->requests);

    self->busy = TRUE;
    fake_mbim_handle (self, message);
  }
}

static void
fake_mbim_read_cb (const guint8 *data, gsize len, gpointer user_data)
{
  EsimTestFakeMbim *self = user_data;

  g_byte_array_append (self->in, data, (guint) len);
  while (self->in->len >= MBIM_HEADER_LEN) {
    guint32 msg_len = get32 (self->in->data + 4);

    if (msg_len < MBIM_HEADER_LEN || msg_len > MBIM_MAX_MESSAGE) {
      g_warning ("fake MBIM modem: bad message length %u, dropping input", msg_len);
      g_byte_array_set_size (self->in, 0);
      return;
    }
    if (self->in->len < msg_len)
      return;
    g_queue_push_tail (&self->requests, mbim_message_new (self->in->data, msg_len));
    g_byte_array_remove_range (self->in, 0, msg_len);
  }
  fake_mbim_next (self);
}

static void
fake_mbim_card_event (EsimTestFakeCardEvent event, gpointer user_data)
{
  EsimTestFakeMbim *self = user_data;

  if (self->dying)
    return;
  if (event == ESIM_TEST_FAKE_CARD_GONE) {
    /* the card went: the modem drops off the bus with it */
    esim_test_fake_pty_hangup (self->pty);
    return;
  }
  fake_mbim_indicate_slot (self, MBIM_UICC_SLOT_STATE_NOT_READY);
  fake_mbim_indicate_slot (self, MBIM_UICC_SLOT_STATE_ACTIVE_ESIM);
}

EsimTestFakeMbim *
esim_test_fake_mbim_new (EsimTestSim *sim, GError **error)
{
  g_autoptr (EsimTestFakeMbim) self = g_new0 (EsimTestFakeMbim, 1);

  self->in = g_byte_array_new ();
  self->channels = g_hash_table_new (NULL, NULL);
  g_queue_init (&self->requests);
  self->max_channels = 3;
  self->class_byte_type = -1;
  self->last_class_byte_type = -1;
  self->n_slots = 1;
  self->card
    = esim_test_fake_card_new (esim_test_sim_get_socket (sim), fake_mbim_card_event, self, error);
  if (self->card == NULL)
    return NULL;
  self->pty = esim_test_fake_pty_new (fake_mbim_read_cb, self, error);
  if (self->pty == NULL)
    return NULL;
  return g_steal_pointer (&self);
}

void
esim_test_fake_mbim_free (EsimTestFakeMbim *self)
{
  if (self == NULL)
    return;
  self->dying = TRUE;
  g_clear_handle_id (&self->delay_id, g_source_remove);
  g_clear_pointer (&self->delayed, g_byte_array_unref);
  g_clear_pointer (&self->card, esim_test_fake_card_free);
  g_clear_pointer (&self->pty, esim_test_fake_pty_free);
  g_queue_clear_full (&self->requests, (GDestroyNotify) mbim_message_unref);
  g_byte_array_unref (self->in);
  g_hash_table_unref (self->channels);
  g_free (self);
}

const gchar *
esim_test_fake_mbim_get_path (EsimTestFakeMbim *self)
{
  return esim_test_fake_pty_get_path (self->pty);
}

void
esim_test_fake_mbim_set_max_channels (EsimTestFakeMbim *self, guint max)
{
  self->max_channels = max;
}

void
esim_test_fake_mbim_set_fail_request (EsimTestFakeMbim *self, guint n, guint status)
{
  self->fail_nth = n;
  self->fail_status = status;
}

void
esim_test_fake_mbim_set_delay (EsimTestFakeMbim *self, guint delay_ms)
{
  self->delay_ms = delay_ms;
}

void
esim_test_fake_mbim_refuse_select_p2 (EsimTestFakeMbim *self, guint8 p2)
{
  self->refused_p2 |= p2 == 0x00 ? 1 : p2 == 0x04 ? 2 : p2 == 0x0C ? 4 : 0;
}

void
esim_test_fake_mbim_set_class_byte_type (EsimTestFakeMbim *self, gint type)
{
  self->class_byte_type = type;
}

void
esim_test_fake_mbim_set_slots (EsimTestFakeMbim *self, guint n_slots, guint esim_slot,
                               guint mapped_slot)
{
  self->n_slots = n_slots;
  self->esim_slot = esim_slot;
  self->mapped_slot = mapped_slot;
}

void
esim_test_fake_mbim_hangup (EsimTestFakeMbim *self)
{
  esim_test_fake_pty_hangup (self->pty);
}

guint
esim_test_fake_mbim_get_open_channels (EsimTestFakeMbim *self)
{
  return g_hash_table_size (self->channels);
}

guint
esim_test_fake_mbim_get_request_count (EsimTestFakeMbim *self)
{
  return self->request_count;
}

guint
esim_test_fake_mbim_get_indication_count (EsimTestFakeMbim *self)
{
  return self->indications;
}

guint
esim_test_fake_mbim_get_mapped_slot (EsimTestFakeMbim *self)
{
  return self->mapped_slot;
}

guint8
esim_test_fake_mbim_get_last_select_p2 (EsimTestFakeMbim *self)
{
  return self->last_p2;
}

gint
esim_test_fake_mbim_get_last_class_byte_type (EsimTestFakeMbim *self)
{
  return self->last_class_byte_type;
}

EsimTransport *
esim_test_fake_mbim_transport_new (EsimTestSim *sim, GError **error)
{
  EsimTestFakeMbim *fake = esim_test_fake_mbim_new (sim, error);
  EsimTransport *transport;

  if (fake == NULL)
    return NULL;
  /* no mbim-proxy here: libmbim opens the pty itself */
  transport = g_object_new (ESIM_TYPE_TRANSPORT_MBIM, "kind", "mbim", "device",
                            esim_test_fake_mbim_get_path (fake), "slot", 0, "proxy", FALSE, NULL);
  g_object_set_data_full (G_OBJECT (transport), "esim-test-fake-mbim", fake,
                          (GDestroyNotify) esim_test_fake_mbim_free);
  return transport;
}

EsimTestFakeMbim *
esim_test_fake_mbim_from_transport (EsimTransport *transport)
{
  return g_object_get_data (G_OBJECT (transport), "esim-test-fake-mbim");
}
