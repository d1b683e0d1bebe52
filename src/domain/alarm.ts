// Parity alarms, the pure core: which findings alarm, the marker that keeps an alarm's
// state in its issue body, the Markdown, and the per-run plan of issue actions. The
// publisher carries the plan out against GitHub; nothing here does I/O.

export { ALARM_LABEL, alarmingFindings, alarmLabels, findingsDigest, fingerprintOf, groupByFingerprint, highestSeverity, issueLabels } from './alarm-findings.js';
export { type AlarmMarker, parseMarker, renderMarker } from './alarm-marker.js';
export { ALARM_BODY_LIMIT, type AlarmBodyInput, type AlarmContext, renderAlarmBody } from './alarm-body.js';
export { ALARM_COMMENT_LIMIT, alarmTitle } from './alarm-comments.js';
export { runUrlOf } from './alarm-format.js';
export { type AlarmAction, type AlarmPlanInput, planAlarms } from './alarm-plan.js';
