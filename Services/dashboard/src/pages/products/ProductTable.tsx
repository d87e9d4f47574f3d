import { useEffect, useState } from "react";
import { ApiError } from "../../api";
import { productApi, productName, ProductPage, ProductSort } from "../../api/products";
import { ProductLink } from "../../components/ProductLink";
import { formatCount, formatPercent } from "../../format";

const PAGE_SIZE = 20;

/** The catalog as a table, sorted by reviews, rating or name, a page at a time (the API's cursors, kept for Back). */
export function ProductTable() {
  const [sort, setSort] = useState<ProductSort>("reviews");
  // The cursors of the pages visited so far; the last one is the page shown ("" is the first page).
  const [cursors, setCursors] = useState<string[]>([""]);
  const [page, setPage] = useState<ProductPage | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const cursor = cursors[cursors.length - 1];

  useEffect(() => {
    let current = true;
    productApi.page(sort, PAGE_SIZE, cursor || undefined).then(
      (loaded) => { if (current) { setPage(loaded); setProblem(null); } },
      (e: unknown) => { if (current) setProblem(e instanceof ApiError ? e.detail || e.reason : String(e)); });
    return () => { current = false; };
  }, [sort, cursor]);

  const sortBy = (next: ProductSort) => { setSort(next); setCursors([""]); };
  const header = (key: ProductSort, label: string) => (
    <th aria-sort={sort === key ? "descending" : undefined}>
      <button type="button" className="sort" data-testid={`sort-${key}`} onClick={() => sortBy(key)}>
        {label}{sort === key ? " ▾" : ""}
      </button>
    </th>
  );

  return (
    <section className="panel" id="product-table" data-testid="product-table">
      <h2>Products</h2>
      <p className="panel-note">{page ? `${formatCount(page.total)} products` : "Loading…"}</p>
      {problem && <p className="error">{problem}</p>}
      <table className="table">
        <thead>
          <tr>
            {header("name", "Product")}
            <th>Category</th>
            {header("reviews", "Reviews")}
            {header("rating", "Rating")}
            <th>Model right</th>
          </tr>
        </thead>
        <tbody>
          {page?.products.map((p) => (
            <tr key={p.id} data-testid="product-row">
              <td><ProductLink id={p.id}>{productName(p)}</ProductLink></td>
              <td>{[p.department, p.class].filter(Boolean).join(" / ") || "–"}</td>
              <td className="num">{formatCount(p.reviews)}</td>
              <td className="num">{p.averageRating != null ? p.averageRating.toFixed(2) : "–"}</td>
              <td className="num">{formatPercent(p.accuracy)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="pager">
        <button type="button" disabled={cursors.length < 2} onClick={() => setCursors(cursors.slice(0, -1))}>Previous</button>
        <span>page {cursors.length}</span>
        <button type="button" data-testid="next-page" disabled={!page?.nextCursor}
                onClick={() => page?.nextCursor && setCursors([...cursors, page.nextCursor])}>Next</button>
      </div>
    </section>
  );
}
