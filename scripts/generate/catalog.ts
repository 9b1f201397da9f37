/**
 * The generated brand's catalogue: 12 categories of 20 SKUs each with prices, a popularity order within
 * each category, shopper personas (which categories go together), and co-purchase bundles (SKUs bought
 * together or one after the other) — the signal a co-purchase recommender should find.
 */
import { createRandom, cumulative } from './random';

export interface Sku {
  index: number;
  sku: string;
  name: string;
  category: string;
  categoryIndex: number;
  priceFen: number;
  /** index of the bundle it belongs to, or -1 */
  bundle: number;
}

export interface Persona {
  name: string;
  /** Dirichlet concentration over categories */
  alpha: Float64Array;
  /** share of members with this persona */
  share: number;
}

export interface Catalog {
  categories: { code: string; name: string }[];
  skus: Sku[];
  /** per category: SKU indices in popularity order and their cumulative weights */
  byCategory: { skus: number[]; cumulative: Float64Array }[];
  /** SKU indices of each bundle */
  bundles: number[][];
  personas: Persona[];
  personaCumulative: Float64Array;
}

const CATEGORIES = [
  { code: 'skincare', name: '护肤', basePriceYuan: 260 },
  { code: 'makeup', name: '彩妆', basePriceYuan: 180 },
  { code: 'fragrance', name: '香氛', basePriceYuan: 480 },
  { code: 'body', name: '身体护理', basePriceYuan: 85 },
  { code: 'hair', name: '洗护发', basePriceYuan: 75 },
  { code: 'men', name: '男士护理', basePriceYuan: 140 },
  { code: 'oral', name: '口腔护理', basePriceYuan: 39 },
  { code: 'baby', name: '母婴', basePriceYuan: 120 },
  { code: 'snacks', name: '零食', basePriceYuan: 29 },
  { code: 'drinks', name: '饮品', basePriceYuan: 25 },
  { code: 'home', name: '家居', basePriceYuan: 99 },
  { code: 'accessories', name: '配饰', basePriceYuan: 199 },
] as const;

export const SKUS_PER_CATEGORY = 20;

/** Bundles as [category code, rank within the category]: mid-popularity SKUs, so popularity alone misses them. */
const BUNDLES: [string, number][][] = [
  [['skincare', 6], ['skincare', 9], ['skincare', 13]], // cleanser, toner, serum of one line
  [['hair', 5], ['hair', 8]], // shampoo and conditioner
  [['makeup', 7], ['skincare', 11]], // long-wear foundation and its remover
  [['baby', 4], ['baby', 10], ['snacks', 12]], // diapers, wipes, baby biscuits
  [['men', 6], ['men', 9]], // razor and blades
  [['fragrance', 8], ['accessories', 6]], // perfume and its gift box
  [['body', 7], ['body', 12]], // shower gel and body lotion of one scent
  [['oral', 5], ['oral', 9]], // electric toothbrush and heads
  [['drinks', 8], ['home', 7]], // coffee beans and the dripper
  [['snacks', 9], ['drinks', 11]], // nuts and tea
];

const PERSONAS: { name: string; share: number; weights: Partial<Record<(typeof CATEGORIES)[number]['code'], number>> }[] = [
  { name: 'beauty', share: 0.3, weights: { skincare: 5, makeup: 4, fragrance: 1.5, body: 1.5, accessories: 1 } },
  { name: 'family', share: 0.25, weights: { baby: 5, snacks: 3, oral: 2, hair: 2, home: 1.5, drinks: 1.5 } },
  { name: 'men', share: 0.15, weights: { men: 5, hair: 2, drinks: 2, oral: 1.5, fragrance: 0.8 } },
  { name: 'home', share: 0.15, weights: { home: 4, drinks: 3, snacks: 3, body: 1.5 } },
  { name: 'gifting', share: 0.15, weights: { fragrance: 3, accessories: 4, makeup: 1.5, skincare: 1 } },
];

/** The catalogue is the same for every seed: SKU codes stay stable across generated brands. */
export function buildCatalog(): Catalog {
  const random = createRandom(20_240_611, 7);
  const skus: Sku[] = [];
  const byCategory: Catalog['byCategory'] = [];
  CATEGORIES.forEach((category, categoryIndex) => {
    const members: number[] = [];
    const weights: number[] = [];
    for (let rank = 0; rank < SKUS_PER_CATEGORY; rank++) {
      const index = skus.length;
      // prices around the category's level, ending in 9 yuan like shelf prices do
      const yuan = Math.max(9, Math.round((category.basePriceYuan * Math.exp(0.4 * random.normal())) / 10) * 10 - 1);
      skus.push({
        index,
        sku: `${category.code}-${String(rank + 1).padStart(2, '0')}`,
        name: `${category.name} ${String(rank + 1).padStart(2, '0')}号`,
        category: category.code,
        categoryIndex,
        priceFen: yuan * 100,
        bundle: -1,
      });
      members.push(index);
      weights.push(1 / (rank + 1) ** 0.9); // Zipf-like popularity within the category
    }
    byCategory.push({ skus: members, cumulative: cumulative(weights) });
  });
  const skuIndex = (code: string, rank: number) => byCategory[CATEGORIES.findIndex((c) => c.code === code)]!.skus[rank]!;
  const bundles = BUNDLES.map((bundle, b) =>
    bundle.map(([code, rank]) => {
      const index = skuIndex(code, rank);
      skus[index]!.bundle = b;
      return index;
    }),
  );
  const personas = PERSONAS.map((persona) => {
    const alpha = new Float64Array(CATEGORIES.length);
    CATEGORIES.forEach((category, i) => {
      alpha[i] = 0.08 + (persona.weights[category.code] ?? 0) * 0.6;
    });
    return { name: persona.name, alpha, share: persona.share };
  });
  return {
    categories: CATEGORIES.map(({ code, name }) => ({ code, name })),
    skus,
    byCategory,
    bundles,
    personas,
    personaCumulative: cumulative(personas.map((persona) => persona.share)),
  };
}
