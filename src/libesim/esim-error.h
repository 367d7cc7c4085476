/*
 * The errors of esimd as a GError domain: every
 * org.freedesktop.Esim1.Error.* name of the D-Bus API is one EsimError
 * code, so a remote error arrives as ESIM_ERROR with its specific code.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(__LIBESIM_H_INSIDE__) && !defined(LIBESIM_COMPILATION)
#error "Only <esim.h> can be included directly."
#endif

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * ESIM_ERROR:
 *
 * The error domain of esimd's errors, see #EsimError.
 */
#define ESIM_ERROR (esim_error_quark ())

/**
 * EsimError:
 * @ESIM_ERROR_FAILED: org.freedesktop.Esim1.Error.Failed: any other failure
 * @ESIM_ERROR_NOT_AUTHORIZED: NotAuthorized: polkit refused the action
 * @ESIM_ERROR_INVALID_ARGUMENT: InvalidArgument
 * @ESIM_ERROR_INVALID_ACTIVATION_CODE: InvalidActivationCode
 * @ESIM_ERROR_UNKNOWN_PROFILE: UnknownProfile
 * @ESIM_ERROR_PROFILE_NOT_DISABLED: ProfileNotDisabled
 * @ESIM_ERROR_PROFILE_NOT_ENABLED: ProfileNotEnabled
 * @ESIM_ERROR_DISALLOWED_BY_POLICY: DisallowedByPolicy: the profile policy rules
 * @ESIM_ERROR_NOTHING_TO_DELETE: NothingToDelete
 * @ESIM_ERROR_CONFIRMATION_CODE_REQUIRED: ConfirmationCodeRequired
 * @ESIM_ERROR_CONFIRMATION_CODE_REFUSED: ConfirmationCodeRefused
 * @ESIM_ERROR_MATCHING_ID_REFUSED: MatchingIdRefused: the SM-DP+ knows no such order
 * @ESIM_ERROR_SERVER_REFUSED: ServerRefused
 * @ESIM_ERROR_SERVER_UNREACHABLE: ServerUnreachable
 * @ESIM_ERROR_SERVER_UNTRUSTED: ServerUntrusted
 * @ESIM_ERROR_TIMEOUT: Timeout
 * @ESIM_ERROR_CANCELLED: Cancelled
 * @ESIM_ERROR_CARD_ERROR: CardError
 * @ESIM_ERROR_CARD_GONE: CardGone
 * @ESIM_ERROR_INSTALL_FAILED: InstallFailed
 * @ESIM_ERROR_ICCID_ALREADY_INSTALLED: IccidAlreadyInstalled
 * @ESIM_ERROR_INSUFFICIENT_MEMORY: InsufficientMemory
 * @ESIM_ERROR_NOT_SUPPORTED: NotSupported
 * @ESIM_ERROR_BUSY: Busy
 * @ESIM_ERROR_SERVER_UNKNOWN_ROOT: ServerUnknownRoot: the SM-DP+ TLS chain ends in a root that is
 * not trusted
 * @ESIM_ERROR_SERVER_CERTIFICATE_EXPIRED: ServerCertificateExpired: a certificate of the TLS chain
 * is not valid now
 * @ESIM_ERROR_SERVER_WRONG_HOST: ServerWrongHost: the TLS certificate is for another host
 * @ESIM_ERROR_CARD_BUSY: CardBusy: the eUICC is busy (a SIM Toolkit session): try again
 * @ESIM_ERROR_ORDER_EXPIRED: OrderExpired: the download order expired
 * @ESIM_ERROR_DOWNLOAD_RETRIES_EXCEEDED: DownloadRetriesExceeded: the order was tried too often
 * @ESIM_ERROR_SERVER_INCOMPATIBLE: ServerIncompatible: the server and the eUICC share no
 * certificate issuer or version
 * @ESIM_ERROR_SESSION_EXPIRED: SessionExpired: the server forgot the session: start again
 * @ESIM_ERROR_DECLINED: Declined: the caller declined the profile at the confirmation step
 * (esim_job_decline_async())
 *
 * The errors of esimd, one per D-Bus error name
 * (org.freedesktop.Esim1.Error.<Name>). The message keeps the SGP.22
 * reason the daemon gave (ES10 result code, ES9+ subject and reason code,
 * status word). The codes are stable; new ones are appended.
 */
typedef enum {
  ESIM_ERROR_FAILED,
  ESIM_ERROR_NOT_AUTHORIZED,
  ESIM_ERROR_INVALID_ARGUMENT,
  ESIM_ERROR_INVALID_ACTIVATION_CODE,
  ESIM_ERROR_UNKNOWN_PROFILE,
  ESIM_ERROR_PROFILE_NOT_DISABLED,
  ESIM_ERROR_PROFILE_NOT_ENABLED,
  ESIM_ERROR_DISALLOWED_BY_POLICY,
  ESIM_ERROR_NOTHING_TO_DELETE,
  ESIM_ERROR_CONFIRMATION_CODE_REQUIRED,
  ESIM_ERROR_CONFIRMATION_CODE_REFUSED,
  ESIM_ERROR_MATCHING_ID_REFUSED,
  ESIM_ERROR_SERVER_REFUSED,
  ESIM_ERROR_SERVER_UNREACHABLE,
  ESIM_ERROR_SERVER_UNTRUSTED,
  ESIM_ERROR_TIMEOUT,
  ESIM_ERROR_CANCELLED,
  ESIM_ERROR_CARD_ERROR,
  ESIM_ERROR_CARD_GONE,
  ESIM_ERROR_INSTALL_FAILED,
  ESIM_ERROR_ICCID_ALREADY_INSTALLED,
  ESIM_ERROR_INSUFFICIENT_MEMORY,
  ESIM_ERROR_NOT_SUPPORTED,
  ESIM_ERROR_BUSY,
  ESIM_ERROR_SERVER_UNKNOWN_ROOT,
  ESIM_ERROR_SERVER_CERTIFICATE_EXPIRED,
  ESIM_ERROR_SERVER_WRONG_HOST,
  ESIM_ERROR_CARD_BUSY,
  ESIM_ERROR_ORDER_EXPIRED,
  ESIM_ERROR_DOWNLOAD_RETRIES_EXCEEDED,
  ESIM_ERROR_SERVER_INCOMPATIBLE,
  ESIM_ERROR_SESSION_EXPIRED,
  ESIM_ERROR_DECLINED,
} EsimError;

/**
 * EsimErrorKind:
 * @ESIM_ERROR_KIND_FAILED: the operation failed: the card, a server or the
 *   daemon refused, or anything not below
 * @ESIM_ERROR_KIND_INVALID: the input was wrong (an argument, an
 *   activation code): asking again the same way will fail again
 * @ESIM_ERROR_KIND_UNREACHABLE: the daemon, the eUICC or a server could not
 *   be reached, or did not answer in time (esimd not running or not
 *   startable, the bus gone, a timeout, the card removed)
 * @ESIM_ERROR_KIND_NOT_AUTHORIZED: polkit or the bus refused the caller
 * @ESIM_ERROR_KIND_CANCELLED: the operation was cancelled (a cancelled job,
 *   or a #GCancellable of this side)
 *
 * What a client can make of an error, whatever its domain: esimd's
 * #EsimError codes and the bus's own errors (%G_DBUS_ERROR, e.g.
 * org.freedesktop.DBus.Error.ServiceUnknown, NoReply, AccessDenied) sorted
 * into the few cases a user interface tells apart. See
 * esim_error_get_kind().
 */
typedef enum {
  ESIM_ERROR_KIND_FAILED,
  ESIM_ERROR_KIND_INVALID,
  ESIM_ERROR_KIND_UNREACHABLE,
  ESIM_ERROR_KIND_NOT_AUTHORIZED,
  ESIM_ERROR_KIND_CANCELLED,
} EsimErrorKind;

GQuark esim_error_quark (void);
const gchar *esim_error_to_dbus_name (EsimError code);
GError *esim_error_new_for_dbus_error (const gchar *dbus_error_name, const gchar *message);
gchar *esim_error_dup_dbus_name (const GError *error);
EsimErrorKind esim_error_get_kind (const GError *error);

G_END_DECLS
