/*
 * The catalog of the test SM-DP+: download orders (a matching ID, an
 * unprotected profile package and its metadata) and the SM-DS event
 * registrations. Usage state lives in memory only: a restart resets it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum {
  ESIM_SMDP_ORDER_AVAILABLE,  /* may be downloaded */
  ESIM_SMDP_ORDER_RESERVED,   /* a session authenticated with it */
  ESIM_SMDP_ORDER_DOWNLOADED, /* its BPP was served, the install result is due */
  ESIM_SMDP_ORDER_CONSUMED,   /* installed (or refused by the user): no reuse */
  ESIM_SMDP_ORDER_BLOCKED,    /* too many wrong confirmation codes */
} EsimSmdpOrderState;

#define ESIM_SMDP_CLASS_TEST 0
#define ESIM_SMDP_CLASS_PROVISIONING 1
#define ESIM_SMDP_CLASS_OPERATIONAL 2

/* how many wrong confirmation codes block an order */
#define ESIM_SMDP_CC_MAX_TRIES 3

typedef struct {
  gchar *matching_id;
  GBytes *upp;  /* the package, its header ICCID rewritten if asked */
  gchar *iccid; /* digits */
  gchar *cc;    /* confirmation code, NULL when none */
  gchar *eid;   /* bound EID (uppercase), NULL when any */
  gchar *name;
  gchar *spn;
  gint profile_class;
  guint ppr_bits;      /* PprIds named bits: 1 ppr1, 2 ppr2 */
  gboolean is_default; /* served for an empty matching ID */

  EsimSmdpOrderState state;
  gchar *session_txid; /* the session holding it, when reserved/downloaded */
  guint cc_failures;
  GBytes *last_otpk; /* otPK.EUICC of the last bound package, for a retry */
  gchar *last_eid;
} EsimSmdpOrder;

typedef struct {
  gchar *eid;
  gchar *event_id;
  gchar *address; /* NULL: this server */
} EsimSmdpEvent;

#define ESIM_TYPE_SMDP_CATALOG (esim_smdp_catalog_get_type ())
G_DECLARE_FINAL_TYPE (EsimSmdpCatalog, esim_smdp_catalog, ESIM, SMDP_CATALOG, GObject)

EsimSmdpCatalog *esim_smdp_catalog_new (void);

/* MATCHINGID=UPPFILE[,cc=CODE][,eid=EID][,iccid=DIGITS][,name=TEXT]
 * [,spn=TEXT][,class=test|provisioning|operational][,ppr=1|2|12][,default] */
gboolean esim_smdp_catalog_add_profile_spec (EsimSmdpCatalog *self, const gchar *spec,
                                             GError **error);
/* EID=EVENTID[@ADDRESS] */
gboolean esim_smdp_catalog_add_event_spec (EsimSmdpCatalog *self, const gchar *spec,
                                           GError **error);

EsimSmdpOrder *esim_smdp_catalog_lookup (EsimSmdpCatalog *self, const gchar *matching_id);
/* the i-th order, NULL past the end */
EsimSmdpOrder *esim_smdp_catalog_get_order (EsimSmdpCatalog *self, guint i);
/* the default order for an empty matching ID: bound to eid first, then
 * unbound; orders that are no longer available are skipped */
EsimSmdpOrder *esim_smdp_catalog_find_default (EsimSmdpCatalog *self, const gchar *eid);
/* EsimSmdpEvent elements registered for eid (container owned by the caller) */
GPtrArray *esim_smdp_catalog_list_events (EsimSmdpCatalog *self, const gchar *eid);
/* the profile of event_id was installed: the event is done */
void esim_smdp_catalog_remove_event (EsimSmdpCatalog *self, const gchar *eid,
                                     const gchar *event_id);

void esim_smdp_order_reserve (EsimSmdpOrder *order, const gchar *txid);
/* back to AVAILABLE (unless blocked or consumed) */
void esim_smdp_order_release (EsimSmdpOrder *order);
void esim_smdp_order_set_state (EsimSmdpOrder *order, EsimSmdpOrderState state);
const gchar *esim_smdp_order_state_to_string (EsimSmdpOrderState state);

G_END_DECLS
