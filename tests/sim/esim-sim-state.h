/*
 * What the simulated eUICC remembers: profiles, pending notifications, the
 * notification sequence counter, the default SM-DP+ address. Kept in a JSON
 * file that is rewritten atomically after every change.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum {
  ESIM_SIM_PROFILE_CLASS_TEST = 0,
  ESIM_SIM_PROFILE_CLASS_PROVISIONING = 1,
  ESIM_SIM_PROFILE_CLASS_OPERATIONAL = 2,
} EsimSimProfileClass;

/* NotificationEvent bit numbers */
typedef enum {
  ESIM_SIM_EVENT_INSTALL = 0,
  ESIM_SIM_EVENT_ENABLE = 1,
  ESIM_SIM_EVENT_DISABLE = 2,
  ESIM_SIM_EVENT_DELETE = 3,
} EsimSimEvent;

#define ESIM_SIM_EVENTS_ALL 0x0f

/* PprIds bits */
#define ESIM_SIM_PPR1 (1u << 1)
#define ESIM_SIM_PPR2 (1u << 2)

#define ESIM_SIM_DEFAULT_MEMORY (1024 * 1024)

typedef struct {
  gchar *iccid;   /* digits */
  guint8 aid[16]; /* ISD-P AID, set by the state */
  gboolean enabled;
  EsimSimProfileClass profile_class;
  gchar *nickname; /* NULL when none */
  gchar *service_provider;
  gchar *name;
  gint icon_type; /* 0 jpg, 1 png, -1 no icon */
  GBytes *icon;
  guint32 ppr;           /* PprIds bits */
  guint64 size;          /* bytes of non-volatile memory used */
  GBytes *owner_mcc_mnc; /* 3 bytes (TS 24.008) or NULL */
  guint32 notify_events; /* NotificationEvent bits asked for */
  gchar *notify_address; /* NULL: no notifications */
} EsimSimProfile;

typedef struct {
  guint64 seq;
  EsimSimEvent event;
  gchar *address;
  gchar *iccid;    /* digits, may be NULL */
  GBytes *pending; /* the signed PendingNotification TLV */
} EsimSimNotification;

EsimSimProfile *esim_sim_profile_new (void);
void esim_sim_profile_free (EsimSimProfile *profile);
void esim_sim_notification_free (EsimSimNotification *notification);

#define ESIM_SIM_TYPE_STATE (esim_sim_state_get_type ())
G_DECLARE_FINAL_TYPE (EsimSimState, esim_sim_state, ESIM_SIM, STATE, GObject)

/* path NULL keeps the state in memory only */
EsimSimState *esim_sim_state_new (const gchar *path, guint64 memory);
/* FALSE with an error for a corrupt file; *existed tells whether there was one */
gboolean esim_sim_state_load (EsimSimState *self, gboolean *existed, GError **error);
gboolean esim_sim_state_save (EsimSimState *self, GError **error);

/* UPPFILE[,key=value]...; see esim-sim-main.c --help for the keys */
gboolean esim_sim_state_seed (EsimSimState *self, const gchar *spec, GError **error);
/* takes the profile; allocates its ISD-P AID; fails on a duplicate ICCID
 * or when memory is short. A second enabled profile is refused too. */
gboolean esim_sim_state_add_profile (EsimSimState *self, EsimSimProfile *profile, GError **error);
void esim_sim_state_remove_profile (EsimSimState *self, EsimSimProfile *profile);
GPtrArray *esim_sim_state_get_profiles (EsimSimState *self);
EsimSimProfile *esim_sim_state_find_iccid (EsimSimState *self, const gchar *iccid);
EsimSimProfile *esim_sim_state_find_aid (EsimSimState *self, const guint8 *aid, gsize len);
EsimSimProfile *esim_sim_state_get_enabled (EsimSimState *self);

guint64 esim_sim_state_get_memory_total (EsimSimState *self);
guint64 esim_sim_state_get_free_memory (EsimSimState *self);

const gchar *esim_sim_state_get_default_smdp (EsimSimState *self);
/* NULL or "" clears it */
void esim_sim_state_set_default_smdp (EsimSimState *self, const gchar *address);

/* the next notification sequence number; never reused */
guint64 esim_sim_state_next_seq (EsimSimState *self);
/* takes the notification */
void esim_sim_state_add_notification (EsimSimState *self, EsimSimNotification *notification);
GPtrArray *esim_sim_state_get_notifications (EsimSimState *self);
gboolean esim_sim_state_remove_notification (EsimSimState *self, guint64 seq);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EsimSimProfile, esim_sim_profile_free)

G_END_DECLS
