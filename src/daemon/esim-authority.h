/*
 * Who may do what: asks polkit (asynchronously) whether the caller of a
 * method may perform an org.freedesktop.esim1.* action, with interactive
 * authentication when the caller allowed it. Built without polkit, only
 * root may change anything.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define ESIM_ACTION_INSTALL_PROFILE "org.freedesktop.esim1.install-profile"
#define ESIM_ACTION_MANAGE_PROFILE "org.freedesktop.esim1.manage-profile"
#define ESIM_ACTION_DELETE_PROFILE "org.freedesktop.esim1.delete-profile"
#define ESIM_ACTION_RESET_MEMORY "org.freedesktop.esim1.reset-memory"
#define ESIM_ACTION_CONFIGURE "org.freedesktop.esim1.configure"

#define ESIM_TYPE_AUTHORITY (esim_authority_get_type ())
G_DECLARE_FINAL_TYPE (EsimAuthority, esim_authority, ESIM, AUTHORITY, GObject)

EsimAuthority *esim_authority_new (void);

/* fails with ESIM_DBUS_ERROR_NOT_AUTHORIZED when the caller may not */
void esim_authority_check_async (EsimAuthority *self, GDBusMethodInvocation *invocation,
                                 const gchar *action_id, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data);
gboolean esim_authority_check_finish (EsimAuthority *self, GAsyncResult *result, GError **error);

/* the unix user behind the caller of a method */
void esim_authority_get_uid_async (EsimAuthority *self, GDBusMethodInvocation *invocation,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data);
gboolean esim_authority_get_uid_finish (EsimAuthority *self, GAsyncResult *result, guint *uid,
                                        GError **error);

G_END_DECLS
