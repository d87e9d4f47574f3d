// The product side of the api-server's HTTP contract: shapes (field names as on the wire) and requests.
import { request } from "../api";

/** A product as listed: catalog fields and figures. */
export interface ProductSummary {
  id: string;
  /** Absent until the catalog names a product first seen in a review. */
  name?: string;
  division?: string;
  department?: string;
  class?: string;
  reviews: number;
  averageRating?: number;
  predicted: { pos: number; neg: number };
  /** Share of its reviews the model labelled right. */
  accuracy?: number;
  lastReviewAt?: string;
}

/** `GET /api/v1/products/{id}`: the listed fields plus the histogram and the similar products. */
export interface ProductDetail extends ProductSummary {
  ratingHistogram: Record<"1" | "2" | "3" | "4" | "5", number>;
  similar: Array<{ id: string; name?: string; score: number }>;
}

/** The live stream's `products` event: the top 10 both ways and the catalog's size. */
export interface TopProductsEvent {
  byReviews: ProductSummary[];
  byRating: ProductSummary[];
  total: number;
}

export interface ProductPage {
  products: ProductSummary[];
  nextCursor?: string;
  total: number;
}

export interface ProductReview {
  id: string;
  itemId?: string;
  review: string;
  score?: number;
  expected: "pos" | "neg";
  result: "pos" | "neg";
  probability?: number;
  processedAt?: string;
  seq: number;
}

export interface SearchResults {
  query: string[];
  products: ProductSummary[];
  reviews: ProductReview[];
}

export type ProductSort = "reviews" | "rating" | "name";

const id = encodeURIComponent;

export const productApi = {
  page: (sort: ProductSort, limit: number, cursor?: string) =>
    request<ProductPage>(`/api/v1/products?sort=${sort}&limit=${limit}${cursor ? `&cursor=${id(cursor)}` : ""}`),
  top: (by: "reviews" | "rating", limit = 10) => request<ProductSummary[]>(`/api/v1/products/top?by=${by}&limit=${limit}`),
  product: (productId: string) => request<ProductDetail>(`/api/v1/products/${id(productId)}`),
  reviews: (productId: string, limit = 10) =>
    request<{ reviews: ProductReview[]; nextBefore?: number }>(`/api/v1/products/${id(productId)}/reviews?limit=${limit}`),
  search: (q: string, limit = 10) => request<SearchResults>(`/api/v1/search?q=${id(q)}&limit=${limit}`),
};

/** What a product is called on screen: its name, or its id until the catalog names it. */
export const productName = (product: { id: string; name?: string }) => product.name ?? `Product ${product.id}`;
