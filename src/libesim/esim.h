/*
 * libesim: a GObject client library of esimd, the eSIM (SGP.22 LPA)
 * daemon on the system bus.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#define __LIBESIM_H_INSIDE__

#include "esim-error.h"
#include "esim-enum-types.h"
#include "esim-profile.h"
#include "esim-discovered-profile.h"
#include "esim-job.h"
#include "esim-euicc.h"
#include "esim-client.h"
#include "esim-version.h"

#undef __LIBESIM_H_INSIDE__
