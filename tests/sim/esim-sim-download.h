/*
 * The card side of the profile download (ES10b): AuthenticateServer,
 * PrepareDownload, LoadBoundProfilePackage (see esim-sim-bpp.h) and
 * CancelSession, with the RSP session they share.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "esim-sim-es10.h"

G_BEGIN_DECLS

/* registers the functions and the session hooks on es10; the session lives
 * as long as es10 */
void esim_sim_download_register (EsimSimEs10 *es10);

G_END_DECLS
