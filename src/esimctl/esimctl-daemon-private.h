/*
 * esimctl daemon mode, shared by its files: the connection to esimd, its
 * objects through the object manager, and D-Bus errors as exit codes.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "esim-dbus-generated.h"
#include "esimctl.h"

G_BEGIN_DECLS

#define ESIMCTL_BUS_NAME "org.freedesktop.Esim1"
#define ESIMCTL_ROOT_PATH "/org/freedesktop/Esim1"

struct _EsimCtlDaemon {
  GDBusConnection *bus;
  gchar *owner; /* the daemon's unique name */
  GDBusObjectManager *manager;
  EsimDbusManager *root;
  GDBusCallFlags call_flags;
};

/* an error of a D-Bus peer (by name) as an ESIMCTL_ERROR with its exit code */
void esimctl_daemon_set_error (GError **error, const gchar *name, const gchar *message);
/* any error of a call: remote names mapped, local ones (timeouts, a closed
 * connection) too; consumes local_error */
void esimctl_daemon_propagate_error (GError **error, GError *local_error);

/* a method call on one of the daemon's proxies, allowing an interactive
 * polkit dialog when esimctl runs on a terminal */
GVariant *esimctl_daemon_call (EsimCtl *ctl, gpointer proxy, const gchar *method,
                               GVariant *parameters, const gchar *reply_type, GError **error);

/* N of .../Euicc/N; G_MAXUINT when the path has no number */
guint esimctl_path_number (const gchar *path);
/* an eUICC's number: its place among the eUICCs in path order */
guint esimctl_daemon_euicc_number (EsimCtl *ctl, const gchar *path);

/* the eUICCs (EsimDbusEuicc, referenced) ordered by object number */
GPtrArray *esimctl_daemon_euiccs (EsimCtl *ctl);
/* the profiles (EsimDbusProfile) of one eUICC object, or of all */
GPtrArray *esimctl_daemon_profiles (EsimCtl *ctl, const gchar *euicc_path);
/* the eUICC --euicc names, or the only one; full reference */
EsimDbusEuicc *esimctl_daemon_select_euicc (EsimCtl *ctl, GError **error);
/* the eUICC of --euicc, or NULL for all (and no error) when it was not given */
gboolean esimctl_daemon_selected_euiccs (EsimCtl *ctl, GPtrArray **out, GError **error);
EsimDbusEuicc *esimctl_daemon_euicc_for_path (EsimCtl *ctl, const gchar *path);
EsimDbusProfile *esimctl_daemon_find_profile (EsimCtl *ctl, const gchar *iccid, GError **error);
/* the profile at path, also before the object manager announced it */
EsimDbusProfile *esimctl_daemon_profile_for_path (EsimCtl *ctl, const gchar *path, GError **error);

/* esimctl-daemon-show.c: properties as JSON members and text */
void esimctl_daemon_profile_to_json (EsimCtl *ctl, JsonBuilder *b, EsimDbusProfile *profile,
                                     gboolean details);
void esimctl_daemon_euicc_to_json (EsimCtl *ctl, JsonBuilder *b, EsimDbusEuicc *euicc);
/* "eUICC 0 (EID …)" */
gchar *esimctl_daemon_euicc_title (EsimCtl *ctl, EsimDbusEuicc *euicc);
void esimctl_daemon_print_profile (EsimCtl *ctl, EsimDbusProfile *profile);

G_END_DECLS
