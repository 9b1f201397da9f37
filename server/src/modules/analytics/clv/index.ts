/**
 * Customer lifetime value: the BG/NBD model of repeat purchases and the Gamma-Gamma model of spend,
 * fitted by maximum likelihood. Pure functions; the only import other modules use.
 */
export { bgnbdLogLikelihood, expectedPurchases, fitBgNbd, probabilityAlive } from './bgnbd';
export type { BgNbdFit, BgNbdParams, RecencyFrequency } from './bgnbd';
export { expectedAverageSpend, fitGammaGamma, gammaGammaLogLikelihood, populationMeanSpend } from './gamma-gamma';
export type { FrequencyMonetary, GammaGammaFit, GammaGammaParams } from './gamma-gamma';
export { dayNumberFromIsoDate, summarizePurchases } from './summary';
export type { CustomerSummary, Purchase, TimeUnit } from './summary';
