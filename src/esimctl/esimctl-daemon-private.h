/*
 * esimctl daemon mode, shared by its files: the libesim client of esimd,
 * its objects, and libesim's errors as exit codes.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <esim.h>
#include <json-glib/json-glib.h>

#include "esimctl.h"

G_BEGIN_DECLS

struct _EsimCtlDaemon {
  EsimClient *client;
};

/* any error of libesim (a call, a job, the connection) as an ESIMCTL_ERROR
 * with its exit code and D-Bus name; consumes local_error */
void esimctl_daemon_propagate_error (GError **error, GError *local_error);

/* libesim is asynchronous, esimctl one command at a time: a callback that
 * keeps the result, and the wait for it on the default main context */
void esimctl_daemon_store_result_cb (GObject *source, GAsyncResult *res, gpointer user_data);
GAsyncResult *esimctl_daemon_wait (GAsyncResult **res);

/* an eUICC's number: its place among the eUICCs in path order */
guint esimctl_daemon_euicc_number (EsimCtl *ctl, EsimEuicc *euicc);
/* the eUICC a profile is on, NULL when unknown; transfer none */
EsimEuicc *esimctl_daemon_euicc_of_profile (EsimCtl *ctl, EsimProfile *profile);
/* the eUICC --euicc names, or the only one; full reference */
EsimEuicc *esimctl_daemon_select_euicc (EsimCtl *ctl, GError **error);
/* the eUICC of --euicc, or all (and no error) when it was not given */
gboolean esimctl_daemon_selected_euiccs (EsimCtl *ctl, GPtrArray **out, GError **error);
/* the profile with this ICCID on the --euicc eUICC or any; full reference */
EsimProfile *esimctl_daemon_find_profile (EsimCtl *ctl, const gchar *iccid, GError **error);

/* esimctl-daemon-show.c: properties as JSON members and text */
void esimctl_daemon_profile_to_json (EsimCtl *ctl, JsonBuilder *b, EsimProfile *profile,
                                     gboolean details);
void esimctl_daemon_euicc_to_json (EsimCtl *ctl, JsonBuilder *b, EsimEuicc *euicc);
/* "eUICC 0 (EID …)" */
gchar *esimctl_daemon_euicc_title (EsimCtl *ctl, EsimEuicc *euicc);
void esimctl_daemon_print_profile (EsimCtl *ctl, EsimProfile *profile);

G_END_DECLS
