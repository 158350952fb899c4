import type { Category, Term } from './types';

// Restaurant menus: dishes a Gulf delivery app really lists, with their usual Arabic names.
// Prices are AED for a regular portion.

const veg = { vegetarian: true } as const;

export const RESTAURANT_CATEGORIES: readonly Category[] = [
  {
    id: 'shawarma', kind: 'restaurant', weight: 10, en: 'Shawarma & Wraps', ar: 'شاورما ولفائف',
    items: [
      { en: 'Chicken Shawarma Wrap', ar: 'شاورما دجاج', price: 14 },
      { en: 'Beef Shawarma Wrap', ar: 'شاورما لحم', price: 17 },
      { en: 'Chicken Shawarma Plate', ar: 'صحن شاورما دجاج', price: 28 },
      { en: 'Arabic Shawarma Meal', ar: 'وجبة شاورما عربي', price: 25 },
      { en: 'Falafel Wrap', ar: 'ساندويش فلافل', price: 9, ...veg },
      { en: 'Halloumi Wrap', ar: 'ساندويش حلوم', price: 15, ...veg },
      { en: 'Spicy Shish Tawook Wrap', ar: 'ساندويش شيش طاووق حار', price: 16, spicy: true },
    ],
  },
  {
    id: 'grills', kind: 'restaurant', weight: 6, en: 'Arabic Grills', ar: 'مشاوي عربية',
    items: [
      { en: 'Mixed Grill Platter', ar: 'مشاوي مشكلة', price: 65 },
      { en: 'Shish Tawook Plate', ar: 'صحن شيش طاووق', price: 38 },
      { en: 'Lamb Kofta Skewers', ar: 'أسياخ كفتة لحم غنم', price: 42 },
      { en: 'Grilled Half Chicken', ar: 'نصف دجاجة مشوية', price: 32 },
      { en: 'Lamb Chops', ar: 'ريش غنم', price: 75 },
      { en: 'Chicken Kebab', ar: 'كباب دجاج', price: 36 },
    ],
  },
  {
    id: 'mezze', kind: 'restaurant', weight: 4, en: 'Mezze & Salads', ar: 'مقبلات وسلطات',
    items: [
      { en: 'Hummus with Tahini', ar: 'حمص بالطحينة', price: 14, ...veg },
      { en: 'Moutabal', ar: 'متبل باذنجان', price: 15, ...veg },
      { en: 'Tabbouleh', ar: 'تبولة', price: 16, ...veg },
      { en: 'Fattoush', ar: 'فتوش', price: 17, ...veg },
      { en: 'Stuffed Vine Leaves', ar: 'ورق عنب', price: 19, ...veg },
      { en: 'Muhammara', ar: 'محمرة', price: 16, ...veg, spicy: true },
      { en: 'Cheese Sambousek', ar: 'سمبوسك بالجبنة', price: 15, ...veg },
    ],
  },
  {
    id: 'burgers', kind: 'restaurant', weight: 9, en: 'Burgers', ar: 'برغر',
    items: [
      { en: 'Classic Beef Burger', ar: 'برغر لحم كلاسيك', price: 32 },
      { en: 'Double Cheeseburger', ar: 'دبل تشيز برغر', price: 42 },
      { en: 'Crispy Chicken Burger', ar: 'برغر دجاج مقرمش', price: 29 },
      { en: 'Spicy Zinger Burger', ar: 'برغر زنجر حار', price: 27, spicy: true },
      { en: 'Mushroom Swiss Burger', ar: 'برغر بالمشروم والجبنة السويسرية', price: 38 },
      { en: 'Veggie Burger', ar: 'برغر نباتي', price: 30, ...veg },
      { en: 'Loaded Fries', ar: 'بطاطس محملة', price: 19 },
    ],
  },
  {
    id: 'pizza', kind: 'restaurant', weight: 7, en: 'Pizza & Pasta', ar: 'بيتزا ومعكرونة',
    items: [
      { en: 'Margherita Pizza', ar: 'بيتزا مارغريتا', price: 35, ...veg },
      { en: 'Pepperoni Pizza', ar: 'بيتزا بيبروني', price: 42 },
      { en: 'Chicken Ranch Pizza', ar: 'بيتزا دجاج رانش', price: 45 },
      { en: 'Vegetable Supreme Pizza', ar: 'بيتزا الخضار', price: 39, ...veg },
      { en: 'Penne Arrabbiata', ar: 'بيني أرابياتا', price: 36, ...veg, spicy: true },
      { en: 'Fettuccine Alfredo', ar: 'فيتوتشيني ألفريدو', price: 42 },
    ],
  },
  {
    id: 'indian', kind: 'restaurant', weight: 7, en: 'Biryani & Curries', ar: 'برياني وكاري',
    items: [
      { en: 'Chicken Biryani', ar: 'برياني دجاج', price: 30 },
      { en: 'Mutton Biryani', ar: 'برياني لحم', price: 38 },
      { en: 'Butter Chicken', ar: 'دجاج بالزبدة', price: 34 },
      { en: 'Paneer Tikka Masala', ar: 'بانير تكا ماسالا', price: 30, ...veg },
      { en: 'Dal Tadka', ar: 'دال تادكا', price: 20, ...veg },
      { en: 'Garlic Naan', ar: 'خبز نان بالثوم', price: 6, ...veg },
      { en: 'Chicken 65', ar: 'دجاج ٦٥ حار', price: 28, spicy: true },
    ],
  },
  {
    id: 'asian', kind: 'restaurant', weight: 5, en: 'Sushi & Asian', ar: 'سوشي وأطباق آسيوية',
    items: [
      { en: 'Salmon Nigiri', ar: 'نيغيري سلمون', price: 32 },
      { en: 'California Roll', ar: 'كاليفورنيا رول', price: 34 },
      { en: 'Spicy Tuna Roll', ar: 'رول التونة الحار', price: 38, spicy: true },
      { en: 'Chicken Teriyaki Bowl', ar: 'دجاج ترياكي مع الأرز', price: 40 },
      { en: 'Vegetable Fried Rice', ar: 'أرز مقلي بالخضار', price: 26, ...veg },
      { en: 'Pad Thai Noodles', ar: 'نودلز باد تاي', price: 36 },
    ],
  },
  {
    id: 'breakfast', kind: 'restaurant', weight: 5, en: 'Breakfast', ar: 'فطور',
    items: [
      { en: 'Foul Medames', ar: 'فول مدمس', price: 14, ...veg },
      { en: 'Zaatar Manakeesh', ar: 'مناقيش زعتر', price: 8, ...veg },
      { en: 'Cheese Manakeesh', ar: 'مناقيش جبنة', price: 12, ...veg },
      { en: 'Shakshuka', ar: 'شكشوكة', price: 22, ...veg },
      { en: 'Balaleet', ar: 'بلاليط', price: 20, ...veg },
      { en: 'Eggs Benedict', ar: 'بيض بنديكت', price: 38 },
    ],
  },
  {
    id: 'desserts', kind: 'restaurant', weight: 5, en: 'Desserts', ar: 'حلويات',
    items: [
      { en: 'Kunafa with Cheese', ar: 'كنافة بالجبن', price: 25, ...veg },
      { en: 'Umm Ali', ar: 'أم علي', price: 22, ...veg },
      { en: 'Luqaimat', ar: 'لقيمات', price: 18, ...veg },
      { en: 'Chocolate Lava Cake', ar: 'كيكة الشوكولاتة الذائبة', price: 28, ...veg },
      { en: 'Baklava Box', ar: 'علبة بقلاوة', price: 45, ...veg },
      { en: 'Saffron Ice Cream', ar: 'آيس كريم بالزعفران', price: 20, ...veg },
    ],
  },
  {
    id: 'cafe', kind: 'restaurant', weight: 6, en: 'Coffee & Juices', ar: 'قهوة وعصائر',
    items: [
      { en: 'Karak Tea', ar: 'شاي كرك', price: 5, ...veg },
      { en: 'Arabic Coffee', ar: 'قهوة عربية', price: 12, ...veg },
      { en: 'Spanish Latte', ar: 'سبانش لاتيه', price: 22, ...veg },
      { en: 'Iced Americano', ar: 'أمريكانو مثلج', price: 18, ...veg },
      { en: 'Fresh Orange Juice', ar: 'عصير برتقال طازج', price: 16, ...veg },
      { en: 'Avocado Smoothie', ar: 'عصير أفوكادو', price: 22, ...veg },
      { en: 'Mint Lemonade', ar: 'ليمون بالنعناع', price: 15, ...veg },
    ],
  },
];

/**
 * A kind of restaurant: what it mostly serves (main), what it adds (extras), and how such places
 * are named ("Al Reef Grill" / "مشويات الريف": the Arabic puts the noun first).
 */
export interface Cuisine {
  main: readonly string[];
  extras: readonly string[];
  nouns: readonly Term[];
  names: readonly Term[];
  weight: number;
}

export const CUISINES: readonly Cuisine[] = [
  {
    main: ['shawarma', 'grills', 'mezze'], extras: ['desserts', 'cafe'], weight: 10,
    nouns: [{ en: 'Grill', ar: 'مشويات' }, { en: 'Shawarma', ar: 'شاورما' }],
    names: [
      { en: 'Al Reef', ar: 'الريف' }, { en: 'Layali', ar: 'ليالي' }, { en: 'Al Sultan', ar: 'السلطان' },
      { en: 'Al Bustan', ar: 'البستان' }, { en: 'Beirut', ar: 'بيروت' }, { en: 'Sufra', ar: 'سفرة' },
    ],
  },
  {
    main: ['burgers'], extras: ['cafe', 'desserts'], weight: 7,
    nouns: [{ en: 'Burgers', ar: 'برغر' }, { en: 'Burger House', ar: 'بيت البرغر' }],
    names: [
      { en: 'Brooklyn', ar: 'بروكلين' }, { en: 'Smash', ar: 'سماش' }, { en: 'Texas', ar: 'تكساس' },
      { en: 'Urban', ar: 'أوربان' }, { en: 'Patty', ar: 'باتي' },
    ],
  },
  {
    main: ['pizza'], extras: ['desserts', 'cafe'], weight: 6,
    nouns: [{ en: 'Pizzeria', ar: 'بيتزيريا' }, { en: 'Pizza', ar: 'بيتزا' }],
    names: [{ en: 'Napoli', ar: 'نابولي' }, { en: 'Roma', ar: 'روما' }, { en: 'Milano', ar: 'ميلانو' }, { en: 'Luigi', ar: 'لويجي' }],
  },
  {
    main: ['indian'], extras: ['cafe', 'desserts'], weight: 6,
    nouns: [{ en: 'Biryani House', ar: 'بيت البرياني' }, { en: 'Curry Corner', ar: 'ركن الكاري' }],
    names: [{ en: 'Mumbai', ar: 'مومباي' }, { en: 'Kerala', ar: 'كيرلا' }, { en: 'Delhi', ar: 'دلهي' }, { en: 'Lahore', ar: 'لاهور' }],
  },
  {
    main: ['asian'], extras: ['desserts', 'cafe'], weight: 4,
    nouns: [{ en: 'Sushi', ar: 'سوشي' }, { en: 'Wok', ar: 'ووك' }],
    names: [{ en: 'Tokyo', ar: 'طوكيو' }, { en: 'Sakura', ar: 'ساكورا' }, { en: 'Bangkok', ar: 'بانكوك' }, { en: 'Panda', ar: 'باندا' }],
  },
  {
    main: ['breakfast', 'cafe'], extras: ['desserts'], weight: 6,
    nouns: [{ en: 'Cafe', ar: 'مقهى' }, { en: 'Bakery', ar: 'مخبز' }],
    names: [
      { en: 'Al Fanar', ar: 'الفنار' }, { en: 'Zaatar', ar: 'الزعتر' }, { en: 'Al Nakheel', ar: 'النخيل' },
      { en: 'Sunrise', ar: 'الشروق' }, { en: 'Yasmeen', ar: 'الياسمين' },
    ],
  },
  {
    main: ['desserts', 'cafe'], extras: ['breakfast'], weight: 4,
    nouns: [{ en: 'Sweets', ar: 'حلويات' }, { en: 'Kunafa', ar: 'كنافة' }],
    names: [{ en: 'Al Baba', ar: 'البابا' }, { en: 'Habibah', ar: 'حبيبة' }, { en: 'Damascus', ar: 'دمشق' }, { en: 'Nablus', ar: 'نابلس' }],
  },
];

export const PORTIONS = {
  large: { en: 'Large', ar: 'كبير', factor: 1.35 },
  meal: { en: 'Meal', ar: 'وجبة', factor: 1.5 },
} as const;
