/**
 * A list of facts (`<dl>`): label beside value where there is room, label above value on a narrow screen or
 * at 200 % zoom (WCAG 1.4.10), where a label column would squeeze the values to a letter per line.
 */
export const factsClass =
  'grid grid-cols-1 gap-x-4 gap-y-1 min-[22rem]:grid-cols-[auto_minmax(0,1fr)] [&_dd]:[overflow-wrap:anywhere] [&_dd]:mb-1 min-[22rem]:[&_dd]:mb-0';

/** The same for lists with long labels (a deadline's name): label above value up to 640 px. */
export const stackedFactsClass =
  'grid grid-cols-1 gap-x-4 gap-y-1 sm:grid-cols-[auto_minmax(0,1fr)] [&_dd]:[overflow-wrap:anywhere] [&_dd]:mb-1 sm:[&_dd]:mb-0';
