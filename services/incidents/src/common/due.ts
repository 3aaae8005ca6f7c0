/** How many due documents one tick handles per kind; the next tick takes the rest. */
export const DUE_BATCH = 200;
