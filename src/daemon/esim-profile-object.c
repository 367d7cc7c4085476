/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "esim-authority.h"
#include "esim-dbus-error.h"
#include "esim-dbus-generated.h"
#include "esim-es10-error.h"
#include "esim-euicc-private.h"
#include "esim-iccid.h"
#include "esim-log.h"
#include "esim-profile-object.h"

struct _EsimProfileObject {
  GObject parent_instance;
  EsimEuicc *euicc; /* unowned, owns us */
  gchar *path;
  gchar *iccid;
  EsimDbusObjectSkeleton *object;
  EsimDbusProfile *iface;
};

G_DEFINE_TYPE (EsimProfileObject, esim_profile_object, G_TYPE_OBJECT)

typedef enum {
  PROFILE_OP_ENABLE,
  PROFILE_OP_DISABLE,
  PROFILE_OP_DELETE,
  PROFILE_OP_SET_NICKNAME,
} ProfileOp;

/* one method call, from the handler to the reply */
typedef struct {
  EsimProfileObject *self;
  EsimEuicc *euicc;
  GDBusMethodInvocation *invocation;
  ProfileOp op;
  gchar *iccid;
  gchar *nickname;
} ProfileCall;

static void
profile_call_free (ProfileCall *call)
{
  g_object_unref (call->self);
  g_object_unref (call->euicc);
  g_object_unref (call->invocation);
  g_free (call->iccid);
  g_free (call->nickname);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ProfileCall, profile_call_free)

const gchar *
esim_profile_object_get_object_path (EsimProfileObject *self)
{
  return self->path;
}

GDBusObjectSkeleton *
esim_profile_object_get_object (EsimProfileObject *self)
{
  return G_DBUS_OBJECT_SKELETON (self->object);
}

const gchar *
esim_profile_object_get_iccid (EsimProfileObject *self)
{
  return self->iccid;
}

GStrv
esim_profile_object_policy_rules_to_strv (EsimPprFlags rules)
{
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();

  if (rules & ESIM_PPR1)
    g_strv_builder_add (b, "ppr1");
  if (rules & ESIM_PPR2)
    g_strv_builder_add (b, "ppr2");
  if (rules & ESIM_PPR3)
    g_strv_builder_add (b, "ppr3");
  return g_strv_builder_end (b);
}

static gchar *
esim_profile_object_hex (GBytes *bytes)
{
  if (bytes == NULL)
    return g_strdup ("");
  return esim_hex_encode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

void
esim_profile_object_update (EsimProfileObject *self, const EsimProfileInfo *info)
{
  g_autofree gchar *aid = esim_profile_object_hex (info->isdp_aid);
  g_autofree gchar *operator_id = NULL;
  g_auto (GStrv) rules = esim_profile_object_policy_rules_to_strv (info->policy_rules);
  const gchar *icon_type = "";
  g_autoptr (GBytes) icon = g_bytes_new_static ("", 0);

  g_free (self->iccid);
  self->iccid = g_strdup (info->iccid);
  if (info->owner != NULL && info->owner->mcc != NULL && info->owner->mnc != NULL)
    operator_id = g_strdup_printf ("%s-%s", info->owner->mcc, info->owner->mnc);
  if (info->icon != NULL && info->icon_type != ESIM_ICON_TYPE_NONE) {
    icon_type = info->icon_type == ESIM_ICON_TYPE_PNG ? "png" : "jpg";
    g_bytes_unref (icon);
    icon = g_bytes_ref (info->icon);
  }

  /* the generated setters only notify (and signal PropertiesChanged) on a
   * real change */
  esim_dbus_profile_set_euicc (self->iface, esim_euicc_get_object_path (self->euicc));
  esim_dbus_profile_set_iccid (self->iface, info->iccid != NULL ? info->iccid : "");
  esim_dbus_profile_set_isdp_aid (self->iface, aid);
  esim_dbus_profile_set_state (self->iface,
                               info->state == ESIM_PROFILE_STATE_ENABLED ? "enabled" : "disabled");
  esim_dbus_profile_set_name (self->iface, info->name != NULL ? info->name : "");
  esim_dbus_profile_set_service_provider (
    self->iface, info->service_provider != NULL ? info->service_provider : "");
  esim_dbus_profile_set_nickname (self->iface, info->nickname != NULL ? info->nickname : "");
  esim_dbus_profile_set_class (self->iface, esim_profile_class_to_string (info->profile_class));
  esim_dbus_profile_set_policy_rules (self->iface, (const gchar *const *) rules);
  esim_dbus_profile_set_operator_id (self->iface, operator_id != NULL ? operator_id : "");
  esim_dbus_profile_set_icon_type (self->iface, icon_type);
  esim_dbus_profile_set_icon (self->iface,
                              g_variant_new_from_bytes (G_VARIANT_TYPE_BYTESTRING, icon, TRUE));
}

void
esim_profile_object_flush (EsimProfileObject *self)
{
  g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (self->iface));
}

/* work, while holding the card */

static void
profile_work_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GTask) task = G_TASK (user_data);
  ProfileCall *call = g_task_get_task_data (task);
  EsimEs10 *es10 = ESIM_ES10 (source);
  GError *error = NULL;
  gboolean ok = FALSE;

  switch (call->op) {
  case PROFILE_OP_ENABLE:
    ok = esim_es10_enable_profile_finish (es10, res, &error);
    break;
  case PROFILE_OP_DISABLE:
    ok = esim_es10_disable_profile_finish (es10, res, &error);
    break;
  case PROFILE_OP_DELETE:
    ok = esim_es10_delete_profile_finish (es10, res, &error);
    break;
  case PROFILE_OP_SET_NICKNAME:
    ok = esim_es10_set_nickname_finish (es10, res, &error);
    break;
  default:
    g_assert_not_reached ();
  }
  /* already as asked (a change queued before ours): nothing to do, and no
   * refresh of the card will come */
  if (!ok
      && ((call->op == PROFILE_OP_ENABLE
           && g_error_matches (error, ESIM_ES10_ERROR,
                               ESIM_ES10_ERROR_PROFILE_NOT_IN_DISABLED_STATE))
          || (call->op == PROFILE_OP_DISABLE
              && g_error_matches (error, ESIM_ES10_ERROR,
                                  ESIM_ES10_ERROR_PROFILE_NOT_IN_ENABLED_STATE)))) {
    g_debug ("profile %s: already %s", esim_log_personal (call->iccid),
             call->op == PROFILE_OP_ENABLE ? "enabled" : "disabled");
    g_clear_error (&error);
    esim_euicc_cancel_refresh_wait (ESIM_EUICC (g_task_get_source_object (task)));
    ok = TRUE;
  }
  if (!ok) {
    g_task_return_error (task, error);
    return;
  }
  g_task_return_boolean (task, TRUE);
}

static void
profile_work (EsimEuicc *euicc, GTask *task)
{
  ProfileCall *call = g_task_get_task_data (task);
  EsimEs10 *es10 = esim_euicc_get_es10 (euicc);

  /* not cancellable: once the card has it, the change is made */
  switch (call->op) {
  case PROFILE_OP_ENABLE:
    esim_es10_enable_profile_async (es10, call->iccid, NULL, TRUE, NULL, profile_work_cb, task);
    break;
  case PROFILE_OP_DISABLE:
    esim_es10_disable_profile_async (es10, call->iccid, NULL, TRUE, NULL, profile_work_cb, task);
    break;
  case PROFILE_OP_DELETE:
    esim_es10_delete_profile_async (es10, call->iccid, NULL, NULL, profile_work_cb, task);
    break;
  case PROFILE_OP_SET_NICKNAME:
    esim_es10_set_nickname_async (es10, call->iccid, call->nickname, NULL, profile_work_cb, task);
    break;
  default:
    g_assert_not_reached ();
  }
}

static const gchar *
profile_op_to_string (ProfileOp op)
{
  const gchar *names[] = { "enable", "disable", "delete", "set-nickname" };

  return names[op];
}

static void
profile_run_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  ProfileCall *call = esim_euicc_run_get_data (res);
  g_autoptr (GError) error = NULL;

  if (!esim_euicc_run_finish (ESIM_EUICC (source), res, &error)) {
    g_message ("%s of profile %s failed: %s", profile_op_to_string (call->op),
               esim_log_personal (call->iccid), error->message);
    esim_dbus_error_return (call->invocation, error);
    return;
  }
  g_message ("%s of profile %s done", profile_op_to_string (call->op),
             esim_log_personal (call->iccid));
  switch (call->op) {
  case PROFILE_OP_ENABLE:
    esim_dbus_profile_complete_enable (call->self->iface, call->invocation);
    break;
  case PROFILE_OP_DISABLE:
    esim_dbus_profile_complete_disable (call->self->iface, call->invocation);
    break;
  case PROFILE_OP_DELETE:
    esim_dbus_profile_complete_delete (call->self->iface, call->invocation);
    break;
  case PROFILE_OP_SET_NICKNAME:
    esim_dbus_profile_complete_set_nickname (call->self->iface, call->invocation);
    break;
  default:
    g_assert_not_reached ();
  }
}

static void
profile_authorized_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (ProfileCall) call = user_data;
  g_autoptr (GError) error = NULL;
  EsimContext *context = esim_euicc_get_context (call->euicc);
  EsimEuiccRunFlags flags = ESIM_EUICC_RUN_REFRESH | ESIM_EUICC_RUN_NOTIFY;
  EsimEuicc *euicc;

  if (!esim_authority_check_finish (ESIM_AUTHORITY (source), res, &error)) {
    esim_dbus_error_return (call->invocation, error);
    return;
  }
  /* the profile may have gone while polkit asked */
  if (!g_dbus_object_manager_server_is_exported (esim_context_get_object_manager (context),
                                                 G_DBUS_OBJECT_SKELETON (call->self->object))) {
    g_dbus_method_invocation_return_error_literal (call->invocation, ESIM_DBUS_ERROR,
                                                   ESIM_DBUS_ERROR_UNKNOWN_PROFILE,
                                                   "the profile is no longer on the eUICC");
    return;
  }
  /* SGP.22 allows 64 bytes of UTF-8 */
  if (call->op == PROFILE_OP_SET_NICKNAME && strlen (call->nickname) > ESIM_ES10_NICKNAME_MAX) {
    g_dbus_method_invocation_return_error (
      call->invocation, ESIM_DBUS_ERROR, ESIM_DBUS_ERROR_INVALID_ARGUMENT,
      "a nickname has at most %u bytes", (guint) ESIM_ES10_NICKNAME_MAX);
    return;
  }
  call->iccid = g_strdup (call->self->iccid);
  /* idempotent for fleets: enabling the enabled profile (or disabling a
   * disabled one) succeeds without touching the card */
  if ((call->op == PROFILE_OP_ENABLE
       && g_strcmp0 (esim_dbus_profile_get_state (call->self->iface), "enabled") == 0)
      || (call->op == PROFILE_OP_DISABLE
          && g_strcmp0 (esim_dbus_profile_get_state (call->self->iface), "disabled") == 0)) {
    g_message ("%s of profile %s: already done", profile_op_to_string (call->op),
               esim_log_personal (call->iccid));
    if (call->op == PROFILE_OP_ENABLE)
      esim_dbus_profile_complete_enable (call->self->iface, call->invocation);
    else
      esim_dbus_profile_complete_disable (call->self->iface, call->invocation);
    return;
  }
  /* a nickname sends no notification */
  if (call->op == PROFILE_OP_SET_NICKNAME)
    flags = ESIM_EUICC_RUN_REFRESH;
  /* the card restarts after a switch: the reply waits until it is back */
  if (call->op == PROFILE_OP_ENABLE || call->op == PROFILE_OP_DISABLE)
    flags |= ESIM_EUICC_RUN_WAIT_REFRESH;
  euicc = call->euicc;
  esim_euicc_run_async (euicc, profile_work, g_steal_pointer (&call),
                        (GDestroyNotify) profile_call_free, flags, NULL, profile_run_cb, NULL);
}

static gboolean
esim_profile_object_handle (EsimProfileObject *self, GDBusMethodInvocation *invocation,
                            ProfileOp op, const gchar *nickname)
{
  EsimContext *context = esim_euicc_get_context (self->euicc);
  ProfileCall *call;
  const gchar *action = ESIM_ACTION_MANAGE_PROFILE;

  call = g_new0 (ProfileCall, 1);
  call->self = g_object_ref (self);
  call->euicc = g_object_ref (self->euicc);
  call->invocation = g_object_ref (invocation);
  call->op = op;
  call->nickname = g_strdup (nickname);
  if (op == PROFILE_OP_DELETE)
    action = ESIM_ACTION_DELETE_PROFILE;
  esim_authority_check_async (esim_context_get_authority (context), invocation, action, NULL,
                              profile_authorized_cb, call);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_enable_cb (EsimDbusProfile *iface, GDBusMethodInvocation *invocation, gpointer user_data)
{
  return esim_profile_object_handle (ESIM_PROFILE_OBJECT (user_data), invocation, PROFILE_OP_ENABLE,
                                     NULL);
}

static gboolean
handle_disable_cb (EsimDbusProfile *iface, GDBusMethodInvocation *invocation, gpointer user_data)
{
  return esim_profile_object_handle (ESIM_PROFILE_OBJECT (user_data), invocation,
                                     PROFILE_OP_DISABLE, NULL);
}

static gboolean
handle_delete_cb (EsimDbusProfile *iface, GDBusMethodInvocation *invocation, gpointer user_data)
{
  return esim_profile_object_handle (ESIM_PROFILE_OBJECT (user_data), invocation, PROFILE_OP_DELETE,
                                     NULL);
}

static gboolean
handle_set_nickname_cb (EsimDbusProfile *iface, GDBusMethodInvocation *invocation,
                        const gchar *nickname, gpointer user_data)
{
  return esim_profile_object_handle (ESIM_PROFILE_OBJECT (user_data), invocation,
                                     PROFILE_OP_SET_NICKNAME, nickname);
}

EsimProfileObject *
esim_profile_object_new (EsimEuicc *euicc, const gchar *object_path)
{
  EsimProfileObject *self = g_object_new (ESIM_TYPE_PROFILE_OBJECT, NULL);

  self->euicc = euicc;
  self->path = g_strdup (object_path);
  self->object = esim_dbus_object_skeleton_new (object_path);
  self->iface = esim_dbus_profile_skeleton_new ();
  g_signal_connect (self->iface, "handle-enable", G_CALLBACK (handle_enable_cb), self);
  g_signal_connect (self->iface, "handle-disable", G_CALLBACK (handle_disable_cb), self);
  g_signal_connect (self->iface, "handle-delete", G_CALLBACK (handle_delete_cb), self);
  g_signal_connect (self->iface, "handle-set-nickname", G_CALLBACK (handle_set_nickname_cb), self);
  esim_dbus_object_skeleton_set_profile (self->object, self->iface);
  return self;
}

static void
esim_profile_object_dispose (GObject *object)
{
  EsimProfileObject *self = ESIM_PROFILE_OBJECT (object);

  if (self->iface != NULL)
    g_signal_handlers_disconnect_by_data (self->iface, self);
  G_OBJECT_CLASS (esim_profile_object_parent_class)->dispose (object);
}

static void
esim_profile_object_finalize (GObject *object)
{
  EsimProfileObject *self = ESIM_PROFILE_OBJECT (object);

  g_clear_object (&self->iface);
  g_clear_object (&self->object);
  g_free (self->path);
  g_free (self->iccid);
  G_OBJECT_CLASS (esim_profile_object_parent_class)->finalize (object);
}

static void
esim_profile_object_init (EsimProfileObject *self)
{
}

static void
esim_profile_object_class_init (EsimProfileObjectClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = esim_profile_object_dispose;
  object_class->finalize = esim_profile_object_finalize;
}
