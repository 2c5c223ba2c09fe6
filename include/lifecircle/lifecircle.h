/*
 * lifecircle/lifecircle.h — the whole public API of liblifecircle, one header per module.
 * Start with context.h: every call takes an lc_context first.
 */
#ifndef LIFECIRCLE_LIFECIRCLE_H
#define LIFECIRCLE_LIFECIRCLE_H

#include "lifecircle/context.h"
#include "lifecircle/geometry.h"
#include "lifecircle/crs.h"
#include "lifecircle/quality.h"
#include "lifecircle/profile.h"
#include "lifecircle/study.h"
#include "lifecircle/layer.h"
#include "lifecircle/roads.h"
#include "lifecircle/network.h"
#include "lifecircle/coverage.h"
#include "lifecircle/indicators.h"
#include "lifecircle/access.h"
#include "lifecircle/trend.h"
#include "lifecircle/output.h"
#include "lifecircle/results.h"
#include "lifecircle/siting.h"
#include "lifecircle/isochrones.h"
#include "lifecircle/map.h"
#include "lifecircle/report.h"
#include "lifecircle/run.h"

#endif /* LIFECIRCLE_LIFECIRCLE_H */
