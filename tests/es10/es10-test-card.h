/*
 * The fixture of the ES10 card tests (test-es10-card.c, test-es10-apdu.c):
 * the simulated eUICC with three profiles behind a tap transport, an open
 * EsimEs10 on it, and synchronous wrappers of the ES10 calls.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "es10-test-tap.h"
#include "esim-es10.h"
#include "esim-test-sim.h"

G_BEGIN_DECLS

#define ICCID_A "8944476500001241581"  /* 19 digits, enabled */
#define ICCID_B "89049032000000000017" /* 20 digits, test class, PPR2 */
#define ICCID_C "8944476500001241582"  /* 19 digits, disabled */
#define ICCID_UNKNOWN "8999999999999999999"
#define EID "89049032123451234512345678901235"
/* MANAGE CHANNEL, SELECT, GET RESPONSE of the FCI */
#define OPEN_APDUS 3

typedef struct {
  EsimTestSim *sim;
  EsimTransport *socket;
  EsimTransport *transport; /* the tap around socket */
  Es10TestTap *tap;
  EsimEs10 *es10;
} Card;

typedef struct {
  gboolean done;
  GAsyncResult *result;
} Waiter;

void waiter_cb (GObject *source, GAsyncResult *res, gpointer user_data);
GAsyncResult *waiter_wait (Waiter *w);
void waiter_clear (Waiter *w);

/* a card with the default profiles (when defaults) plus extra arguments
 * (NULL-terminated), opened */
Card *card_new_full (gboolean defaults, const gchar *first_arg, ...);
#define card_new(...) card_new_full (TRUE, ##__VA_ARGS__, NULL)
void card_free (Card *card);
gboolean card_open (Card *card, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Card, card_free)

/* synchronous wrappers, for the tests only */
GPtrArray *profiles_sync (Card *card, const gchar *iccid, GBytes *aid, gint profile_class,
                          GBytes *tags, GError **error);
/* aborts when list has no profile iccid */
EsimProfileInfo *find_profile (GPtrArray *list, const gchar *iccid);
EsimProfileState profile_state (Card *card, const gchar *iccid);

typedef enum { OP_ENABLE, OP_DISABLE, OP_DELETE } ProfileOp;

gboolean profile_op_sync (Card *card, ProfileOp op, const gchar *iccid, GBytes *aid,
                          GError **error);
GBytes *transact_sync (Card *card, GBytes *request, GCancellable *cancellable, GError **error);
gchar *eid_sync (Card *card, GError **error);
GPtrArray *list_notification_sync (Card *card, EsimNotificationEvent filter, GError **error);
GPtrArray *retrieve_sync (Card *card, gint64 seq, EsimNotificationEvent filter, GError **error);
gboolean remove_notification_sync (Card *card, guint64 seq, GError **error);
gboolean nickname_sync (Card *card, const gchar *iccid, const gchar *nickname, GError **error);
gboolean memory_reset_sync (Card *card, EsimMemoryResetOptions options, GError **error);

G_END_DECLS
