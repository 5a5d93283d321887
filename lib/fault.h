/*
 * fault.h -- allocation fault injection, compiled only into test builds
 * (-DAIQ_FAULT_INJECTION; see alloc.c and tests/fault/).  Release builds
 * have none of these symbols and no mutable global state.
 *
 * Counters are atomic, but arming is global to the process: only one test
 * may arm injection at a time (the fault runner is single-threaded).
 */
#ifndef AIQ_FAULT_H
#define AIQ_FAULT_H

#ifndef AIQ_FAULT_INJECTION
#error "fault.h is only for builds with -DAIQ_FAULT_INJECTION"
#endif

/* Reset the attempt and failure counters and fail the nth allocation
 * attempt from now (1-based): only that one (persistent == 0) or that one
 * and every later one (persistent != 0).  n <= 0 disarms. */
void aiq_fault_arm(long n, int persistent);
/* Stop injecting failures (counters keep running). */
void aiq_fault_disarm(void);
/* Allocation attempts and injected failures since the last aiq_fault_arm(). */
long aiq_fault_attempts(void);
long aiq_fault_failures(void);
/* Blocks allocated through aiq_* and not yet released with aiq_free(). */
long aiq_fault_live(void);

#endif /* AIQ_FAULT_H */
