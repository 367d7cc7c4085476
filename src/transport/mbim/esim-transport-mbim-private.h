/*
 * Shared between the files of EsimTransportMbim: the core
 * (esim-transport-mbim.c: device, channels, APDUs) and the SIM slot
 * mapping (esim-transport-mbim-slots.c).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <libmbim-glib.h>

#include "esim-transport-mbim.h"

G_BEGIN_DECLS

/* seconds */
#define MBIM_COMMAND_TIMEOUT 10
#define MBIM_CLOSE_TIMEOUT 3

struct _EsimTransportMbim {
  EsimTransport parent_instance;
  guint slot;
  gboolean proxy;
  MbimDevice *device;
  gulong removed_id;
  gulong indicate_id;
  GTask *pending;         /* the one call in flight (callers serialize) */
  GHashTable *channels;   /* the logical channels we opened and did not close */
  guint p2_index;         /* the SELECT P2 variant that worked last */
  gint class_byte_type;   /* -1 until a modem needed the other one */
  gboolean gone;          /* the device went away (until a new open) */
  gboolean slot_switched; /* restore original_slot on close */
  guint32 original_slot;
};

/* a command of the call task (its own cancellable, so that a removed
 * device aborts it at once) */
void esim_transport_mbim_command (EsimTransportMbim *self, GTask *task, MbimMessage *message,
                                  guint timeout, GAsyncReadyCallback callback);
/* the response of a command, its MBIM status checked */
MbimMessage *esim_transport_mbim_command_finish (GTask *task, GObject *source, GAsyncResult *res,
                                                 const gchar *what, GError **error);
/* libmbim and MBIM status errors in the transport's terms; takes error */
GError *esim_transport_mbim_map_error (EsimTransportMbim *self, GTask *task, GError *error,
                                       const gchar *what);

/* the end of an open: the device and its slot ready, or the device dropped */
void esim_transport_mbim_open_done (GTask *task);
void esim_transport_mbim_open_fail (GTask *task, GError *error);

/* esim-transport-mbim-slots.c */

/* maps self->slot when the modem has another one mapped, then ends the
 * open task */
void esim_transport_mbim_open_slot (EsimTransportMbim *self, GTask *task);
/* gives the modem back the slot it had mapped before the open */
void esim_transport_mbim_restore_slot (EsimTransportMbim *self);

G_END_DECLS
