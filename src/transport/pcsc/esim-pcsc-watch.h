/*
 * The presence watch of the PC/SC transport: a thread of its own that
 * waits in SCardGetStatusChange() on one reader and on the
 * \\?PnP?\Notification pseudo-reader, with a PC/SC context of its own (it
 * never touches the transport's card handle, so it never meets an
 * operation in flight, and it sends no APDU). It tells the main context
 * that created it when the card left (pulled out, swapped, the reader
 * unplugged, pcscd gone) and when a card is there again.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  ESIM_PCSC_WATCH_GONE,     /* the card that was there left */
  ESIM_PCSC_WATCH_APPEARED, /* a card is in the reader (again) */
} EsimPcscWatchEvent;

/* called on the main context of esim_pcsc_watch_new(), never after
 * esim_pcsc_watch_free() */
typedef void (*EsimPcscWatchFunc) (EsimPcscWatchEvent event, gpointer user_data);

typedef struct _EsimPcscWatch EsimPcscWatch;

EsimPcscWatch *esim_pcsc_watch_new (const gchar *reader, EsimPcscWatchFunc func,
                                    gpointer user_data);
const gchar *esim_pcsc_watch_get_reader (EsimPcscWatch *watch);
/* cancels the wait (SCardCancel) and joins the thread */
void esim_pcsc_watch_free (EsimPcscWatch *watch);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EsimPcscWatch, esim_pcsc_watch_free)

G_END_DECLS
