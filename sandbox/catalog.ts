// Demo catalogue: Russian product names as sellers list them; prices in roubles.
import type { Product } from './types.ts';
import type { Rng } from './rng.ts';

interface ProductSeed {
  name: string;
  category: string;
  categoryId: number;
  vendor: string;
  price: [number, number];
  marking: 'CIS' | 'IMEI' | null;
}

const SEEDS: ProductSeed[] = [
  {
    name: 'Смартфон Xiaomi Redmi Note 13 8/256 ГБ, чёрный',
    category: 'Смартфоны',
    categoryId: 91491,
    vendor: 'Xiaomi',
    price: [17990, 23990],
    marking: 'IMEI',
  },
  {
    name: 'Смартфон Samsung Galaxy A55 8/128 ГБ, голубой',
    category: 'Смартфоны',
    categoryId: 91491,
    vendor: 'Samsung',
    price: [29990, 36990],
    marking: 'IMEI',
  },
  { name: 'Смартфон Apple iPhone 15 128 ГБ, розовый', category: 'Смартфоны', categoryId: 91491, vendor: 'Apple', price: [69990, 82990], marking: 'IMEI' },
  {
    name: 'Кроссовки Nike Air Zoom Pegasus 40 мужские, р. 43',
    category: 'Кроссовки',
    categoryId: 7811901,
    vendor: 'Nike',
    price: [8990, 13990],
    marking: 'CIS',
  },
  { name: 'Кеды Converse Chuck Taylor All Star, белые, р. 38', category: 'Кеды', categoryId: 7811902, vendor: 'Converse', price: [5490, 7990], marking: 'CIS' },
  { name: 'Ботинки зимние детские Котофей, р. 31', category: 'Детская обувь', categoryId: 7811903, vendor: 'Котофей', price: [3490, 4990], marking: 'CIS' },
  {
    name: 'Парфюмерная вода Chanel Coco Mademoiselle, 50 мл',
    category: 'Парфюмерия',
    categoryId: 15927546,
    vendor: 'Chanel',
    price: [11990, 14990],
    marking: 'CIS',
  },
  { name: 'Футболка мужская хлопковая оверсайз, серая, XL', category: 'Футболки', categoryId: 7811873, vendor: 'Befree', price: [990, 1790], marking: 'CIS' },
  {
    name: 'Пуховик женский удлинённый с капюшоном, бежевый, 46',
    category: 'Верхняя одежда',
    categoryId: 7811874,
    vendor: 'Finn Flare',
    price: [9990, 15990],
    marking: 'CIS',
  },
  { name: 'Наушники беспроводные JBL Tune 520BT, синие', category: 'Наушники', categoryId: 90555, vendor: 'JBL', price: [3490, 4990], marking: null },
  { name: 'Наушники Apple AirPods Pro 2 (USB-C)', category: 'Наушники', categoryId: 90555, vendor: 'Apple', price: [19990, 24990], marking: null },
  {
    name: 'Робот-пылесос Xiaomi Robot Vacuum S20, белый',
    category: 'Роботы-пылесосы',
    categoryId: 16302536,
    vendor: 'Xiaomi',
    price: [15990, 21990],
    marking: null,
  },
  { name: 'Чайник электрический Polaris PWK 1725CGL, стекло', category: 'Чайники', categoryId: 90578, vendor: 'Polaris', price: [1990, 2990], marking: null },
  {
    name: "Кофемашина De'Longhi Magnifica S ECAM 22.110.B",
    category: 'Кофемашины',
    categoryId: 90580,
    vendor: "De'Longhi",
    price: [32990, 41990],
    marking: null,
  },
  { name: 'Мультиварка Redmond RMC-M90, 5 л', category: 'Мультиварки', categoryId: 90586, vendor: 'Redmond', price: [4990, 6990], marking: null },
  { name: 'Фен Dyson Supersonic HD07, фуксия', category: 'Фены', categoryId: 90567, vendor: 'Dyson', price: [39990, 49990], marking: null },
  { name: 'Утюг с парогенератором Tefal Express Easy SV6140', category: 'Утюги', categoryId: 90568, vendor: 'Tefal', price: [11990, 14990], marking: null },
  { name: 'Телевизор Haier 55 Smart TV S1, 4K UHD', category: 'Телевизоры', categoryId: 90639, vendor: 'Haier', price: [37990, 45990], marking: null },
  { name: 'Монитор Samsung Odyssey G5 27", 165 Гц', category: 'Мониторы', categoryId: 91052, vendor: 'Samsung', price: [21990, 26990], marking: null },
  { name: 'Ноутбук HUAWEI MateBook D 16, i5/16/512 ГБ', category: 'Ноутбуки', categoryId: 91013, vendor: 'HUAWEI', price: [59990, 69990], marking: null },
  { name: 'Клавиатура механическая Logitech G413 SE', category: 'Клавиатуры', categoryId: 91049, vendor: 'Logitech', price: [4990, 6490], marking: null },
  { name: 'Мышь беспроводная Logitech M185, серая', category: 'Мыши', categoryId: 91050, vendor: 'Logitech', price: [990, 1490], marking: null },
  { name: 'Пауэрбанк Baseus 20000 мА·ч, 22.5 Вт', category: 'Внешние аккумуляторы', categoryId: 91074, vendor: 'Baseus', price: [1990, 2990], marking: null },
  {
    name: 'Умная колонка Яндекс Станция Лайт 2, мятная',
    category: 'Умные колонки',
    categoryId: 15553892,
    vendor: 'Яндекс',
    price: [5990, 7990],
    marking: null,
  },
  { name: 'Конструктор LEGO City Пожарная часть 60320', category: 'Конструкторы', categoryId: 10470548, vendor: 'LEGO', price: [8990, 11990], marking: null },
  { name: 'Кукла Barbie Дримхаус, 29 см', category: 'Куклы', categoryId: 10682618, vendor: 'Mattel', price: [1990, 3490], marking: null },
  {
    name: 'Подгузники-трусики Pampers Pants 5 (12–17 кг), 84 шт.',
    category: 'Подгузники',
    categoryId: 13314855,
    vendor: 'Pampers',
    price: [2490, 3290],
    marking: null,
  },
  { name: 'Сковорода Tefal Ingenio Unlimited 26 см', category: 'Сковороды', categoryId: 12327140, vendor: 'Tefal', price: [2990, 3990], marking: null },
  { name: 'Набор кастрюль Rondell Favorit, 6 предметов', category: 'Кастрюли', categoryId: 12327141, vendor: 'Rondell', price: [6990, 9490], marking: null },
  {
    name: 'Постельное бельё сатин, 2-спальное, графит',
    category: 'Постельное бельё',
    categoryId: 12894143,
    vendor: 'Cleo',
    price: [3490, 4990],
    marking: 'CIS',
  },
  { name: 'Рюкзак городской Xiaomi Commuter, 21 л, серый', category: 'Рюкзаки', categoryId: 7812111, vendor: 'Xiaomi', price: [2490, 3490], marking: null },
  {
    name: 'Шины зимние Nokian Hakkapeliitta 10 205/55 R16, 1 шт.',
    category: 'Шины',
    categoryId: 90490,
    vendor: 'Nokian Tyres',
    price: [9990, 12990],
    marking: 'CIS',
  },
  {
    name: 'Дрель-шуруповёрт аккумуляторная Makita DF333DWYE',
    category: 'Дрели и шуруповёрты',
    categoryId: 91658,
    vendor: 'Makita',
    price: [8990, 10990],
    marking: null,
  },
  { name: 'Велосипед горный Stels Navigator 700 MD 27.5"', category: 'Велосипеды', categoryId: 91529, vendor: 'Stels', price: [21990, 27990], marking: null },
  {
    name: 'Крем для лица увлажняющий La Roche-Posay Hydraphase, 50 мл',
    category: 'Уход за лицом',
    categoryId: 8476099,
    vendor: 'La Roche-Posay',
    price: [1990, 2890],
    marking: null,
  },
  {
    name: 'Корм для кошек сухой Purina ONE, курица, 3 кг',
    category: 'Корма для кошек',
    categoryId: 15963668,
    vendor: 'Purina',
    price: [1290, 1790],
    marking: null,
  },
  {
    name: 'Часы умные Huawei Watch GT 4, 46 мм, коричневые',
    category: 'Умные часы',
    categoryId: 10498025,
    vendor: 'HUAWEI',
    price: [16990, 21990],
    marking: null,
  },
  {
    name: 'Планшет Samsung Galaxy Tab S9 FE 6/128 ГБ, Wi-Fi',
    category: 'Планшеты',
    categoryId: 6427100,
    vendor: 'Samsung',
    price: [34990, 39990],
    marking: 'IMEI',
  },
  { name: 'Платье женское миди трикотажное, изумрудное, 44', category: 'Платья', categoryId: 7811880, vendor: 'Zarina', price: [2490, 3990], marking: 'CIS' },
  { name: "Джинсы мужские прямые Levi's 501, 32/32", category: 'Джинсы', categoryId: 7811881, vendor: "Levi's", price: [6990, 9990], marking: 'CIS' },
];

export function buildCatalog(rng: Rng, prefix: string): Product[] {
  return SEEDS.map((s, i) => ({
    offerId: `${prefix}-${String(i + 1).padStart(4, '0')}-${
      s.vendor
        .replace(/[^A-Za-z]/g, '')
        .slice(0, 4)
        .toUpperCase() || 'RU'
    }`,
    name: s.name,
    marketSku: 100000000000 + rng.int(1, 899999999),
    price: Math.round(rng.int(s.price[0], s.price[1]) / 10) * 10 - 10 + 0,
    category: s.category,
    categoryId: s.categoryId,
    vendor: s.vendor,
    marking: s.marking,
  }));
}

export const BUYER_NAMES = [
  'Анна К.',
  'Иван П.',
  'Мария С.',
  'Дмитрий Н.',
  'Елена В.',
  'Алексей М.',
  'Ольга Т.',
  'Сергей Л.',
  'Наталья Р.',
  'Павел Ж.',
  'Татьяна Б.',
  'Никита Ф.',
];
export const CITIES = [
  'Москва',
  'Санкт-Петербург',
  'Казань',
  'Екатеринбург',
  'Новосибирск',
  'Нижний Новгород',
  'Краснодар',
  'Самара',
  'Ростов-на-Дону',
  'Воронеж',
];

/** Buyer's reason → plausible subreasons and a comment in the buyer's words. */
export const REASONS: { reason: string; subreasons: string[]; comments: string[] }[] = [
  {
    reason: 'BAD_QUALITY',
    subreasons: ['DAMAGED', 'NOT_WORKING', 'BROKEN', 'INCOMPLETENESS'],
    comments: [
      'Не включается после зарядки',
      'Трещина на корпусе, видно на фото',
      'Не хватает зарядного устройства в комплекте',
      'Шов разошёлся после первой носки',
    ],
  },
  {
    reason: 'DOES_NOT_FIT',
    subreasons: ['USER_DID_NOT_LIKE', 'USER_CHANGED_MIND', 'DID_NOT_MATCH_DESCRIPTION'],
    comments: ['Маломерит на размер', 'Цвет отличается от фото в карточке', 'Передумала, не подошёл по стилю', ''],
  },
  {
    reason: 'WRONG_ITEM',
    subreasons: ['WRONG_ITEM', 'WRONG_COLOR', 'WRONG_AMOUNT_DELIVERED'],
    comments: ['Пришла другая модель', 'Заказывал чёрный, пришёл белый', 'В коробке одна штука вместо двух'],
  },
  {
    reason: 'DAMAGE_DELIVERY',
    subreasons: ['BAD_PACKAGE', 'WRAPPING_DAMAGED', 'DAMAGED'],
    comments: ['Коробка смята, товар поцарапан', 'Упаковка вскрыта', 'Разбит при доставке'],
  },
];

export const PICKUP_POINTS = [
  { id: 10001234, name: 'Пункт выдачи Маркета на Тверской', city: 'Москва', street: 'Тверская улица', house: '12' },
  { id: 10004567, name: 'ПВЗ Маркета, Невский проспект', city: 'Санкт-Петербург', street: 'Невский проспект', house: '88' },
  { id: 10007890, name: 'Пункт выдачи Маркета, ТЦ «Мега»', city: 'Казань', street: 'проспект Победы', house: '141' },
];
