/*
 * aiineq_ineq.h -- inequality measures (Gini, Lorenz, top shares, Theil,
 * source decomposition, standard errors).  Included by aiineq.h.
 */
#ifndef AIINEQ_INEQ_H
#define AIINEQ_INEQ_H

#include "aiineq.h"

#if defined(__cplusplus)
extern "C" {
#endif

#if defined(__cplusplus)
}
#endif

#endif /* AIINEQ_INEQ_H */
