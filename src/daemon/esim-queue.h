/*
 * The operation queue of one eUICC: a first-in first-out lock. An operation
 * (a download, an enable, a notification pass...) acquires it, holds the
 * card through all of its ES10 calls and releases it when done, so two
 * operations never interleave on a card. Each eUICC has its own queue;
 * different eUICCs work in parallel.
 *
 * Closing the queue (at shutdown) fails every waiting operation with
 * G_IO_ERROR_CANCELLED and refuses new ones; drain waits for the running
 * one to release.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define ESIM_TYPE_QUEUE (esim_queue_get_type ())
G_DECLARE_FINAL_TYPE (EsimQueue, esim_queue, ESIM, QUEUE, GObject)

EsimQueue *esim_queue_new (void);

/* completes when it is the caller's turn; cancelling while waiting leaves
 * the queue without taking a turn */
void esim_queue_acquire_async (EsimQueue *self, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data);
gboolean esim_queue_acquire_finish (EsimQueue *self, GAsyncResult *result, GError **error);
/* ends the turn of the operation that acquired it */
void esim_queue_release (EsimQueue *self);

gboolean esim_queue_is_busy (EsimQueue *self);
/* operations waiting for their turn */
guint esim_queue_get_waiting (EsimQueue *self);

void esim_queue_close (EsimQueue *self);
gboolean esim_queue_is_closed (EsimQueue *self);
/* completes once nothing holds the queue */
void esim_queue_drain_async (EsimQueue *self, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data);
gboolean esim_queue_drain_finish (EsimQueue *self, GAsyncResult *result, GError **error);

G_END_DECLS
