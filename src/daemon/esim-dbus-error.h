/*
 * The errors of the D-Bus API, org.freedesktop.Esim1.Error.<Name>, and the
 * mapping from every error domain of the layers below onto them. The
 * message of the original error is kept: it carries the SGP.22 reason (ES10
 * result code, ES9+ subject and reason code, status word).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define ESIM_DBUS_ERROR (esim_dbus_error_quark ())
GQuark esim_dbus_error_quark (void);

/* stable: each code is a D-Bus error name, append new ones at the end */
typedef enum {
  ESIM_DBUS_ERROR_FAILED,
  ESIM_DBUS_ERROR_NOT_AUTHORIZED,
  ESIM_DBUS_ERROR_INVALID_ARGUMENT,
  ESIM_DBUS_ERROR_INVALID_ACTIVATION_CODE,
  ESIM_DBUS_ERROR_UNKNOWN_PROFILE,
  ESIM_DBUS_ERROR_PROFILE_NOT_DISABLED,
  ESIM_DBUS_ERROR_PROFILE_NOT_ENABLED,
  ESIM_DBUS_ERROR_DISALLOWED_BY_POLICY,
  ESIM_DBUS_ERROR_NOTHING_TO_DELETE,
  ESIM_DBUS_ERROR_CONFIRMATION_CODE_REQUIRED,
  ESIM_DBUS_ERROR_CONFIRMATION_CODE_REFUSED,
  ESIM_DBUS_ERROR_MATCHING_ID_REFUSED,
  ESIM_DBUS_ERROR_SERVER_REFUSED,
  ESIM_DBUS_ERROR_SERVER_UNREACHABLE,
  ESIM_DBUS_ERROR_SERVER_UNTRUSTED,
  ESIM_DBUS_ERROR_TIMEOUT,
  ESIM_DBUS_ERROR_CANCELLED,
  ESIM_DBUS_ERROR_CARD_ERROR,
  ESIM_DBUS_ERROR_CARD_GONE,
  ESIM_DBUS_ERROR_INSTALL_FAILED,
  ESIM_DBUS_ERROR_ICCID_ALREADY_INSTALLED,
  ESIM_DBUS_ERROR_INSUFFICIENT_MEMORY,
  ESIM_DBUS_ERROR_NOT_SUPPORTED,
  ESIM_DBUS_ERROR_BUSY,
  ESIM_DBUS_ERROR_SERVER_UNKNOWN_ROOT,        /* TLS chain ends in a root not trusted */
  ESIM_DBUS_ERROR_SERVER_CERTIFICATE_EXPIRED, /* TLS chain or its root not valid now */
  ESIM_DBUS_ERROR_SERVER_WRONG_HOST,          /* TLS certificate for another host */
  ESIM_DBUS_ERROR_CARD_BUSY,                  /* a SIM Toolkit session: try again */
  ESIM_DBUS_ERROR_ORDER_EXPIRED,              /* ask the operator for a new code */
  ESIM_DBUS_ERROR_DOWNLOAD_RETRIES_EXCEEDED,  /* the order was tried too often */
  ESIM_DBUS_ERROR_SERVER_INCOMPATIBLE,        /* no certificate issuer or version in common */
  ESIM_DBUS_ERROR_SESSION_EXPIRED,            /* the server forgot the session: start again */
  ESIM_DBUS_ERROR_DECLINED,                   /* the user refused the profile (Job.Decline) */
} EsimDbusError;

#define ESIM_DBUS_ERROR_LAST ESIM_DBUS_ERROR_DECLINED
#define ESIM_DBUS_ERROR_PREFIX "org.freedesktop.Esim1.Error."

/* "org.freedesktop.Esim1.Error.NotAuthorized"; NULL outside the enum */
const gchar *esim_dbus_error_to_name (EsimDbusError code);

/* the API error for any error of the lower layers, same message */
EsimDbusError esim_dbus_error_code_for (const GError *error);
GError *esim_dbus_error_from_error (const GError *error);

/* answers the invocation with the mapped error; takes no ownership */
void esim_dbus_error_return (GDBusMethodInvocation *invocation, const GError *error);

G_END_DECLS
