import { registerEnumType } from 'type-graphql';
import { ReadingQuality } from '../services/usage/reading-codes';

// The service's enum, under the same name in the API.
export { ReadingQuality };

registerEnumType(ReadingQuality, {
  name: 'ReadingQuality',
  description: 'Quality of a reading (ESPI QualityOfReadingKind). Estimated ones are counted in `estimated`.',
  valuesConfig: {
    VALID: { description: 'Valid (code 0).' },
    MANUALLY_EDITED: { description: 'Manually edited (7).' },
    ESTIMATED_REFERENCE_DAY: { description: 'Estimated from a reference day (8); counts as estimated.' },
    ESTIMATED_LINEAR_INTERPOLATION: { description: 'Estimated by linear interpolation (9); counts as estimated.' },
    QUESTIONABLE: { description: 'Questionable (10).' },
    DERIVED: { description: 'Derived (11).' },
    PROJECTED: { description: 'Projected, a forecast (12); counts as estimated.' },
    MIXED: { description: 'Mixed qualities (13).' },
    RAW: { description: 'Raw, not validated (14).' },
    WEATHER_NORMALIZED: { description: 'Normalized for weather (15).' },
    OTHER: { description: 'Other (16), or a code without a name here.' },
    VALIDATED: { description: 'Validated (17).' },
    VERIFIED: { description: 'Verified (18).' },
    REVENUE_QUALITY: { description: 'Revenue quality (19).' },
  },
});
