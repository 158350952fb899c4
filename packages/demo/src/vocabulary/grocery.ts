import type { Category, Size, Term } from './types';

// Supermarket and convenience-store shelves: the brands Gulf shoppers actually see, with their
// Arabic spellings, and pack sizes written with Arabic-Indic digits in Arabic titles.
// In an Arabic title "{b}" marks where the brand goes ("حليب {b} كامل الدسم" → "حليب المراعي كامل الدسم").

const t = (en: string, ar: string): Term => ({ en, ar });
const s = (en: string, ar: string, factor: number): Size => ({ en, ar, factor });

const LIQUID = [s('500ml', '٥٠٠ مل', 0.6), s('1L', '١ لتر', 1), s('2L', '٢ لتر', 1.8)];
const SMALL_WEIGHT = [s('200g', '٢٠٠ غ', 0.55), s('400g', '٤٠٠ غ', 1), s('800g', '٨٠٠ غ', 1.85)];
const KILO = [s('500g', '٥٠٠ غ', 0.55), s('1kg', '١ كغ', 1), s('2kg', '٢ كغ', 1.9)];
const RICE = [s('2kg', '٢ كغ', 1), s('5kg', '٥ كغ', 2.3), s('10kg', '١٠ كغ', 4.4)];
const EGGS = [s('6 pcs', '٦ حبات', 0.3), s('15 pcs', '١٥ حبة', 0.6), s('30 pcs', '٣٠ حبة', 1)];
const WATER = [s('500ml', '٥٠٠ مل', 1), s('1.5L', '١٫٥ لتر', 1.6), s('12 x 500ml', '١٢ × ٥٠٠ مل', 7)];
const CANS = [s('330ml', '٣٣٠ مل', 1), s('6 x 330ml', '٦ × ٣٣٠ مل', 5.4), s('2.25L', '٢٫٢٥ لتر', 2.2)];
const SNACK = [s('23g', '٢٣ غ', 0.5), s('45g', '٤٥ غ', 1), s('160g', '١٦٠ غ', 2.8)];
const PACK = [s('10 pcs', '١٠ حبات', 0.5), s('20 pcs', '٢٠ حبة', 1), s('40 pcs', '٤٠ حبة', 1.9)];
const DIAPERS = [s('Size 3, 40 pcs', 'مقاس ٣، ٤٠ حبة', 1), s('Size 4, 44 pcs', 'مقاس ٤، ٤٤ حبة', 1.1), s('Size 5, 52 pcs', 'مقاس ٥، ٥٢ حبة', 1.3)];

const DAIRY = [t('Almarai', 'المراعي'), t('Al Rawabi', 'الروابي'), t('Al Ain', 'العين'), t('Nadec', 'نادك'), t('Baladna', 'بلدنا'), t('Lacnor', 'لاكنور')];
const CHEESE = [t('Puck', 'بوك'), t('Kiri', 'كيري'), t('Almarai', 'المراعي'), t('President', 'بريزيدون')];
const BAKERY = [t('Lusine', 'لوزين'), t('Modern Bakery', 'المخابز الحديثة'), t('Sunbulah', 'سنبلة')];
const MEAT = [t('Al Islami', 'الإسلامي'), t('Sadia', 'ساديا'), t('Tanmiah', 'تنمية'), t('Al Watania', 'الوطنية'), t('Seara', 'سيارا')];
const RICE_BRANDS = [t('Abu Kass', 'أبو كاس'), t('India Gate', 'إنديا جيت'), t('Tilda', 'تيلدا'), t('Al Walimah', 'الوليمة')];
const WATER_BRANDS = [t('Masafi', 'مسافي'), t('Al Ain', 'العين'), t('Mai Dubai', 'ماي دبي'), t('Aquafina', 'أكوافينا')];
const JUICE = [t('Almarai', 'المراعي'), t('Rani', 'راني'), t('Barakat', 'بركات'), t('Al Rawabi', 'الروابي')];
const CHIPS = [t("Lay's", 'ليز'), t('Pringles', 'برينغلز'), t('Oman Chips', 'شيبس عمان')];
const CHOCOLATE = [t('Galaxy', 'جالكسي'), t('KitKat', 'كيت كات'), t('Kinder', 'كيندر'), t('Snickers', 'سنيكرز')];
const ICE_CREAM = [t('Igloo', 'إغلو'), t('London Dairy', 'لندن ديري'), t('Baskin Robbins', 'باسكن روبنز')];
const FROZEN = [t('Americana', 'أمريكانا'), t('McCain', 'ماكين'), t('Al Kabeer', 'الكبير')];

export const GROCERY_CATEGORIES: readonly Category[] = [
  {
    id: 'dairy', kind: 'grocery', weight: 10, staple: true, convenience: true, en: 'Dairy & Eggs', ar: 'ألبان وبيض', brands: DAIRY,
    items: [
      { en: 'Full Fat Milk', ar: 'حليب {b} كامل الدسم', price: 6.5, sizes: LIQUID },
      { en: 'Low Fat Milk', ar: 'حليب {b} قليل الدسم', price: 6.5, sizes: LIQUID },
      { en: 'Fresh Laban', ar: 'لبن {b} طازج', price: 5, sizes: LIQUID },
      { en: 'Greek Yoghurt', ar: 'زبادي يوناني {b}', price: 7, sizes: SMALL_WEIGHT },
      { en: 'Labneh', ar: 'لبنة {b}', price: 12, sizes: SMALL_WEIGHT },
      { en: 'Fresh Eggs', ar: 'بيض {b} طازج', price: 19, sizes: EGGS, brands: [t('Al Jazira', 'الجزيرة'), t('Saha', 'صحة')] },
      { en: 'Cheddar Cheese Slices', ar: 'شرائح جبنة شيدر {b}', price: 11, sizes: SMALL_WEIGHT, brands: CHEESE },
      { en: 'Cream Cheese Spread', ar: 'جبنة كريمية {b} للدهن', price: 12, sizes: SMALL_WEIGHT, brands: CHEESE },
    ],
  },
  {
    id: 'bakery', kind: 'grocery', weight: 7, staple: true, convenience: true, en: 'Bakery', ar: 'مخبوزات', brands: BAKERY,
    items: [
      { en: 'White Sliced Bread', ar: 'خبز أبيض شرائح {b}', price: 5, vegetarian: true },
      { en: 'Brown Bread', ar: 'خبز أسمر {b}', price: 6, vegetarian: true },
      { en: 'Arabic Bread 6 pcs', ar: 'خبز عربي {b} ٦ حبات', price: 3, vegetarian: true },
      { en: 'Butter Croissants', ar: 'كرواسون بالزبدة {b}', price: 9, vegetarian: true },
      { en: 'Burger Buns', ar: 'خبز برغر {b}', price: 6, vegetarian: true },
      { en: 'Date Maamoul', ar: 'معمول بالتمر {b}', price: 14, vegetarian: true },
    ],
  },
  {
    id: 'produce', kind: 'grocery', weight: 8, staple: true, en: 'Fruits & Vegetables', ar: 'فواكه وخضروات',
    items: [
      { en: 'Bananas', ar: 'موز', price: 6, sizes: KILO, brands: [], vegetarian: true },
      { en: 'Tomatoes', ar: 'طماطم', price: 5, sizes: KILO, brands: [], vegetarian: true },
      { en: 'Cucumbers', ar: 'خيار', price: 5, sizes: KILO, brands: [], vegetarian: true },
      { en: 'Potatoes', ar: 'بطاطس', price: 4, sizes: KILO, brands: [], vegetarian: true },
      { en: 'Red Onions', ar: 'بصل أحمر', price: 3.5, sizes: KILO, brands: [], vegetarian: true },
      { en: 'Red Apples', ar: 'تفاح أحمر', price: 9, sizes: KILO, brands: [], vegetarian: true },
      { en: 'Medjool Dates', ar: 'تمر مجدول', price: 35, sizes: KILO, brands: [], vegetarian: true },
      { en: 'Avocados', ar: 'أفوكادو', price: 14, sizes: KILO, brands: [], vegetarian: true },
      { en: 'Fresh Mint Bunch', ar: 'ربطة نعناع طازج', price: 2, brands: [], vegetarian: true },
    ],
  },
  {
    id: 'meat', kind: 'grocery', weight: 6, en: 'Meat & Poultry', ar: 'لحوم ودواجن', brands: MEAT,
    items: [
      { en: 'Fresh Whole Chicken', ar: 'دجاج {b} كامل طازج', price: 18, sizes: [s('900g', '٩٠٠ غ', 0.9), s('1.1kg', '١٫١ كغ', 1.1), s('1.3kg', '١٫٣ كغ', 1.3)] },
      { en: 'Chicken Breast Fillets', ar: 'صدور دجاج {b}', price: 22, sizes: KILO },
      { en: 'Beef Mince', ar: 'لحم بقري مفروم {b}', price: 28, sizes: KILO },
      { en: 'Chicken Nuggets', ar: 'ناغتس دجاج {b}', price: 19, sizes: SMALL_WEIGHT },
      { en: 'Beef Burger Patties', ar: 'أقراص برغر لحم بقري {b}', price: 20, sizes: SMALL_WEIGHT },
      { en: 'Lamb Cubes', ar: 'مكعبات لحم غنم {b}', price: 42, sizes: KILO },
    ],
  },
  {
    id: 'pantry', kind: 'grocery', weight: 7, convenience: true, en: 'Rice, Pasta & Pantry', ar: 'أرز ومعكرونة ومواد غذائية',
    items: [
      { en: 'Basmati Rice', ar: 'أرز بسمتي {b}', price: 28, sizes: RICE, brands: RICE_BRANDS, vegetarian: true },
      { en: 'Sella Rice', ar: 'أرز سيلا {b}', price: 30, sizes: RICE, brands: RICE_BRANDS, vegetarian: true },
      { en: 'Spaghetti', ar: 'سباغيتي {b}', price: 5, sizes: [s('500g', '٥٠٠ غ', 1)], brands: [t('Barilla', 'باريلا'), t('Al Alali', 'العلالي')], vegetarian: true },
      { en: 'Sunflower Oil', ar: 'زيت دوار الشمس {b}', price: 14, sizes: [s('1.5L', '١٫٥ لتر', 1), s('3L', '٣ لتر', 1.9)], brands: [t('Afia', 'عافية'), t('Al Alali', 'العلالي')], vegetarian: true },
      { en: 'Tomato Ketchup', ar: 'كاتشب طماطم {b}', price: 8, sizes: SMALL_WEIGHT, brands: [t('Heinz', 'هاينز'), t('Al Alali', 'العلالي')], vegetarian: true },
      { en: 'Chickpeas', ar: 'حمص حب {b}', price: 4, sizes: SMALL_WEIGHT, brands: [t('California Garden', 'كاليفورنيا جاردن'), t('Al Alali', 'العلالي')], vegetarian: true },
      { en: 'Tahini', ar: 'طحينة {b}', price: 15, sizes: SMALL_WEIGHT, brands: [t('Al Wadi', 'الوادي'), t('Al Kasih', 'الكسيح')], vegetarian: true },
    ],
  },
  {
    id: 'beverages', kind: 'grocery', weight: 9, staple: true, convenience: true, en: 'Water & Soft Drinks', ar: 'مياه ومشروبات',
    items: [
      { en: 'Drinking Water', ar: 'مياه شرب {b}', price: 1.5, sizes: WATER, brands: WATER_BRANDS, vegetarian: true },
      { en: 'Regular', ar: '{b} عادي', price: 2.5, sizes: CANS, brands: [t('Pepsi', 'بيبسي'), t('Coca-Cola', 'كوكا كولا'), t('7Up', 'سفن أب')], vegetarian: true },
      { en: 'Zero Sugar', ar: '{b} زيرو سكر', price: 2.5, sizes: CANS, brands: [t('Pepsi', 'بيبسي'), t('Coca-Cola', 'كوكا كولا')], vegetarian: true },
      { en: 'Energy Drink', ar: 'مشروب طاقة {b}', price: 8, sizes: [s('250ml', '٢٥٠ مل', 1), s('4 x 250ml', '٤ × ٢٥٠ مل', 3.6)], brands: [t('Red Bull', 'ريد بول'), t('Monster', 'مونستر')], vegetarian: true },
      { en: 'Orange Juice', ar: 'عصير برتقال {b}', price: 7, sizes: LIQUID, brands: JUICE, vegetarian: true },
      { en: 'Mango Nectar', ar: 'عصير مانجو {b}', price: 4, sizes: LIQUID, brands: JUICE, vegetarian: true },
    ],
  },
  {
    id: 'snacks', kind: 'grocery', weight: 6, convenience: true, en: 'Chips & Snacks', ar: 'رقائق ووجبات خفيفة', brands: CHIPS,
    items: [
      { en: 'Salted Potato Chips', ar: 'رقائق بطاطس {b} مملحة', price: 3, sizes: SNACK, vegetarian: true },
      { en: 'Chili Potato Chips', ar: 'رقائق بطاطس {b} بالفلفل الحار', price: 3, sizes: SNACK, vegetarian: true, spicy: true },
      { en: 'Nacho Cheese Tortilla Chips', ar: 'رقائق تورتيلا {b} بالجبن', price: 6, sizes: SNACK, brands: [t('Doritos', 'دوريتوس')], vegetarian: true },
      { en: 'Mixed Nuts', ar: 'مكسرات {b} مشكلة', price: 18, sizes: SMALL_WEIGHT, brands: [t('Al Rifai', 'الرفاعي'), t('Al Mahmood', 'المحمود')], vegetarian: true },
      { en: 'Digestive Biscuits', ar: 'بسكويت دايجستف {b}', price: 7, sizes: SMALL_WEIGHT, brands: [t('Tiffany', 'تيفاني'), t("McVitie's", 'ماكفيتيز')], vegetarian: true },
    ],
  },
  {
    id: 'sweets', kind: 'grocery', weight: 5, convenience: true, en: 'Chocolate & Sweets', ar: 'شوكولاتة وحلويات', brands: CHOCOLATE,
    items: [
      { en: 'Milk Chocolate Bar', ar: 'لوح شوكولاتة {b} بالحليب', price: 4, sizes: SNACK, vegetarian: true },
      { en: 'Hazelnut Chocolate', ar: 'شوكولاتة {b} بالبندق', price: 6, sizes: SNACK, vegetarian: true },
      { en: 'Chocolate Wafer', ar: 'ويفر {b} بالشوكولاتة', price: 3, sizes: SNACK, vegetarian: true },
      { en: 'Assorted Chocolates Box', ar: 'علبة شوكولاتة {b} مشكلة', price: 45, sizes: SMALL_WEIGHT, brands: [t('Patchi', 'باتشي'), t('Galaxy', 'جالكسي')], vegetarian: true },
    ],
  },
  {
    id: 'frozen', kind: 'grocery', weight: 5, convenience: true, en: 'Frozen & Ice Cream', ar: 'مجمدات وآيس كريم', brands: FROZEN,
    items: [
      { en: 'Vanilla Ice Cream Tub', ar: 'آيس كريم {b} بالفانيلا', price: 16, sizes: LIQUID, brands: ICE_CREAM, vegetarian: true },
      { en: 'Chocolate Ice Cream Cone', ar: 'آيس كريم كورنيه {b} بالشوكولاتة', price: 5, brands: ICE_CREAM, vegetarian: true },
      { en: 'Frozen French Fries', ar: 'بطاطس مقلية مجمدة {b}', price: 12, sizes: KILO, vegetarian: true },
      { en: 'Frozen Mixed Vegetables', ar: 'خضار مشكلة مجمدة {b}', price: 8, sizes: SMALL_WEIGHT, vegetarian: true },
      { en: 'Frozen Paratha', ar: 'خبز براتا مجمد {b}', price: 10, sizes: PACK, vegetarian: true },
    ],
  },
  {
    id: 'coffee_tea', kind: 'grocery', weight: 5, staple: true, convenience: true, en: 'Coffee & Tea', ar: 'قهوة وشاي',
    items: [
      { en: 'Instant Coffee', ar: 'قهوة {b} سريعة التحضير', price: 25, sizes: SMALL_WEIGHT, brands: [t('Nescafe', 'نسكافيه')], vegetarian: true },
      { en: 'Black Tea Bags', ar: 'شاي أسود {b} أكياس', price: 12, sizes: PACK, brands: [t('Lipton', 'ليبتون'), t('Rabea', 'ربيع'), t('Alokozay', 'الكوزاي')], vegetarian: true },
      { en: 'Arabic Coffee with Cardamom', ar: 'قهوة عربية {b} بالهيل', price: 30, sizes: SMALL_WEIGHT, brands: [t('Al Ameed', 'العميد'), t('Najjar', 'نجار')], vegetarian: true },
      { en: 'Green Tea', ar: 'شاي أخضر {b}', price: 14, sizes: PACK, brands: [t('Lipton', 'ليبتون'), t('Alokozay', 'الكوزاي')], vegetarian: true },
    ],
  },
  {
    id: 'household', kind: 'grocery', weight: 5, convenience: true, en: 'Cleaning & Household', ar: 'منظفات ومستلزمات منزلية',
    items: [
      { en: 'Laundry Detergent', ar: 'مسحوق غسيل {b}', price: 30, sizes: KILO, brands: [t('Tide', 'تايد'), t('Ariel', 'أريال')] },
      { en: 'Dishwashing Liquid', ar: 'سائل غسيل الصحون {b}', price: 9, sizes: LIQUID, brands: [t('Fairy', 'فيري')] },
      { en: 'Antibacterial Surface Cleaner', ar: 'منظف أسطح {b} مضاد للبكتيريا', price: 14, sizes: LIQUID, brands: [t('Dettol', 'ديتول')] },
      { en: 'Bleach', ar: 'مبيض {b}', price: 8, sizes: LIQUID, brands: [t('Clorox', 'كلوركس')] },
      { en: 'Facial Tissues', ar: 'مناديل وجه {b}', price: 6, sizes: PACK, brands: [t('Fine', 'فاين'), t('Kleenex', 'كلينكس')] },
      { en: 'Kitchen Towels', ar: 'مناشف مطبخ ورقية {b}', price: 10, sizes: PACK, brands: [t('Fine', 'فاين')] },
    ],
  },
  {
    id: 'personal_care', kind: 'grocery', weight: 4, convenience: true, en: 'Personal Care', ar: 'العناية الشخصية',
    items: [
      { en: 'Shampoo', ar: 'شامبو {b}', price: 18, sizes: LIQUID, brands: [t('Head & Shoulders', 'هيد آند شولدرز'), t('Pantene', 'بانتين'), t('Dove', 'دوف')] },
      { en: 'Body Wash', ar: 'غسول الجسم {b}', price: 16, sizes: LIQUID, brands: [t('Dove', 'دوف'), t('Nivea', 'نيفيا')] },
      { en: 'Toothpaste', ar: 'معجون أسنان {b}', price: 9, sizes: SMALL_WEIGHT, brands: [t('Colgate', 'كولجيت'), t('Sensodyne', 'سنسوداين')] },
      { en: 'Deodorant', ar: 'مزيل عرق {b}', price: 15, brands: [t('Nivea', 'نيفيا'), t('Dove', 'دوف'), t('Rexona', 'ريكسونا')] },
      { en: 'Hand Soap', ar: 'صابون {b} لليدين', price: 8, sizes: LIQUID, brands: [t('Dettol', 'ديتول'), t('Dove', 'دوف')] },
    ],
  },
  {
    id: 'baby', kind: 'grocery', weight: 3, en: 'Baby Care', ar: 'مستلزمات الأطفال',
    items: [
      { en: 'Baby Diapers', ar: 'حفاضات أطفال {b}', price: 55, sizes: DIAPERS, brands: [t('Pampers', 'بامبرز'), t('Huggies', 'هجيز')] },
      { en: 'Baby Wipes', ar: 'مناديل أطفال مبللة {b}', price: 10, sizes: PACK, brands: [t('Pampers', 'بامبرز'), t("Johnson's", 'جونسون')] },
      { en: 'Growing Up Milk Powder', ar: 'حليب نمو {b} للأطفال', price: 60, sizes: SMALL_WEIGHT, brands: [t('Nido', 'نيدو'), t('Aptamil', 'أبتاميل')] },
      { en: 'Baby Cereal with Dates', ar: 'حبوب أطفال {b} بالتمر', price: 18, sizes: SMALL_WEIGHT, brands: [t('Cerelac', 'سيريلاك')] },
    ],
  },
];
