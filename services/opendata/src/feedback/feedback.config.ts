/** How much feedback one address may send: enough for a person, too little for a flood. */
export interface FeedbackConfig {
  perAddressPerHour: number;
}

export const FEEDBACK_CONFIG = Symbol('FEEDBACK_CONFIG');

export function feedbackConfigFromEnv(env: NodeJS.ProcessEnv = process.env): FeedbackConfig {
  const raw = (env.OPENDATA_FEEDBACK_PER_HOUR ?? '').trim();
  const value = raw === '' ? 10 : Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 10_000)
    throw new Error(`OPENDATA_FEEDBACK_PER_HOUR must be a whole number from 1 to 10000, not '${raw}'`);
  return { perAddressPerHour: value };
}
