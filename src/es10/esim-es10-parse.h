/*
 * Parsers of the ES10 responses (SGP.22 5.7): pure functions from the bytes
 * an eUICC answered to the types of this library, used by EsimEs10 and
 * directly by tests and fuzzers.
 *
 * Elements the card adds beyond rsp.asn are ignored (newer SGP.22 versions
 * extend most sequences); a missing mandatory element, a wrong outer tag,
 * bad UTF-8 or a truncated encoding is an ESIM_ES10_ERROR naming the
 * function. A result code other than ok is the ESIM_ES10_ERROR that code
 * stands for, with the function and the number in the message.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

#include "esim-tlv.h"
#include "esim-es10-error.h"
#include "esim-euicc-info.h"
#include "esim-notification.h"
#include "esim-profile-info.h"

G_BEGIN_DECLS

/* elements of responses; errors are ESIM_TLV_ERROR or ESIM_ICCID_ERROR */
EsimProfileInfo *esim_profile_info_parse (const EsimTlv *e3, GError **error);
EsimNotificationMetadata *esim_notification_metadata_parse (const EsimTlv *bf2f, GError **error);
EsimPendingNotification *esim_pending_notification_parse (const EsimTlv *tlv, GError **error);
EsimOperatorId *esim_operator_id_parse (const EsimTlv *tlv, GError **error);
/* ETSI TS 102 226 extended card resource information (the value of tag 84) */
gboolean esim_ext_card_resource_parse (GBytes *value, guint *installed_applications,
                                       guint64 *free_nonvolatile_memory,
                                       guint64 *free_volatile_memory, GError **error);

/* whole responses */
EsimConfiguredAddresses *esim_es10_parse_configured_addresses (GBytes *response, GError **error);
gboolean esim_es10_parse_set_default_dp_address (GBytes *response, GError **error);
GBytes *esim_es10_parse_euicc_challenge (GBytes *response, GError **error);
EsimEuiccInfo1 *esim_es10_parse_euicc_info1 (GBytes *response, GError **error);
EsimEuiccInfo2 *esim_es10_parse_euicc_info2 (GBytes *response, GError **error);
/* of EsimNotificationMetadata */
GPtrArray *esim_es10_parse_list_notification (GBytes *response, GError **error);
/* of EsimPendingNotification */
GPtrArray *esim_es10_parse_retrieve_notifications_list (GBytes *response, GError **error);
gboolean esim_es10_parse_remove_notification (GBytes *response, GError **error);
/* of EsimRatRule */
GPtrArray *esim_es10_parse_rat (GBytes *response, GError **error);
/* the whole CancelSessionResponse (BF41), which the SM-DP+ wants as it is */
GBytes *esim_es10_parse_cancel_session (GBytes *response, GError **error);
/* of EsimProfileInfo */
GPtrArray *esim_es10_parse_profiles_info (GBytes *response, GError **error);
gboolean esim_es10_parse_enable_profile (GBytes *response, GError **error);
gboolean esim_es10_parse_disable_profile (GBytes *response, GError **error);
gboolean esim_es10_parse_delete_profile (GBytes *response, GError **error);
gboolean esim_es10_parse_memory_reset (GBytes *response, GError **error);
/* 32 upper-case hex digits */
gchar *esim_es10_parse_eid (GBytes *response, GError **error);
gboolean esim_es10_parse_set_nickname (GBytes *response, GError **error);

/* the SGP.22 name of the function a request or response tag belongs to,
 * e.g. 0xBF31 -> "EnableProfile"; "ES10" for tags it does not know */
const gchar *esim_es10_function_name (guint32 tag);

G_END_DECLS
