import type { Term } from './types';

// Where the marketplace operates. utcOffset turns a local hour (lunch at 13:00 in Riyadh) into the
// UTC timestamp that is stored; weight is the city's share of users and businesses.

export interface City extends Term {
  lat: number;
  lon: number;
  utcOffset: number;
  weight: number;
  areas: readonly Term[];
}

const t = (en: string, ar: string): Term => ({ en, ar });

export const CITIES: readonly City[] = [
  { en: 'Dubai', ar: 'دبي', lat: 25.2048, lon: 55.2708, utcOffset: 4, weight: 10,
    areas: [t('Marina', 'المارينا'), t('JLT', 'أبراج بحيرات جميرا'), t('Deira', 'ديرة'), t('Al Barsha', 'البرشاء'), t('Business Bay', 'الخليج التجاري'), t('Mirdif', 'مردف')] },
  { en: 'Abu Dhabi', ar: 'أبوظبي', lat: 24.4539, lon: 54.3773, utcOffset: 4, weight: 6,
    areas: [t('Khalifa City', 'مدينة خليفة'), t('Al Reem', 'جزيرة الريم'), t('Corniche', 'الكورنيش'), t('Yas', 'ياس')] },
  { en: 'Sharjah', ar: 'الشارقة', lat: 25.3463, lon: 55.4209, utcOffset: 4, weight: 4,
    areas: [t('Al Nahda', 'النهدة'), t('Al Majaz', 'المجاز'), t('Al Khan', 'الخان')] },
  { en: 'Riyadh', ar: 'الرياض', lat: 24.7136, lon: 46.6753, utcOffset: 3, weight: 8,
    areas: [t('Olaya', 'العليا'), t('Al Malqa', 'الملقا'), t('Al Nakheel', 'النخيل'), t('Al Yasmin', 'الياسمين')] },
  { en: 'Jeddah', ar: 'جدة', lat: 21.4858, lon: 39.1925, utcOffset: 3, weight: 5,
    areas: [t('Al Rawdah', 'الروضة'), t('Al Hamra', 'الحمراء'), t('Obhur', 'أبحر')] },
  { en: 'Doha', ar: 'الدوحة', lat: 25.2854, lon: 51.531, utcOffset: 3, weight: 4,
    areas: [t('West Bay', 'الخليج الغربي'), t('Al Sadd', 'السد'), t('The Pearl', 'اللؤلؤة')] },
  { en: 'Kuwait City', ar: 'مدينة الكويت', lat: 29.3759, lon: 47.9774, utcOffset: 3, weight: 3,
    areas: [t('Salmiya', 'السالمية'), t('Hawalli', 'حولي')] },
  { en: 'Muscat', ar: 'مسقط', lat: 23.588, lon: 58.3829, utcOffset: 4, weight: 2,
    areas: [t('Al Khuwair', 'الخوير'), t('Qurum', 'القرم')] },
];

export const SUPERMARKET_CHAINS: readonly Term[] = [
  t('Carrefour', 'كارفور'), t('Lulu Hypermarket', 'لولو هايبرماركت'), t('Spinneys', 'سبينيس'), t('Choithrams', 'شويترامز'),
  t('Union Coop', 'تعاونية الاتحاد'), t('Panda', 'بنده'), t('Tamimi Markets', 'أسواق التميمي'), t('Al Othaim', 'أسواق العثيم'),
];

export const CONVENIENCE_CHAINS: readonly Term[] = [
  t('Zoom', 'زووم'), t('Circle K', 'سيركل كي'), t('Al Maya', 'المايا'), t('Aswaaq', 'أسواق'), t('Day to Day', 'داي تو داي'), t('7-Eleven', 'سفن إليفن'),
];
