import { navigateTo, productIdOf, usePath } from "../../router";
import { ProductDetailView } from "./ProductDetailView";
import { ProductSearch } from "./ProductSearch";
import { ProductTable } from "./ProductTable";

/** The catalog (`/products`: search and table) and one product's page (`/products/{id}`). */
export function ProductsPage({ hidden }: { hidden: boolean }) {
  const productId = productIdOf(usePath());
  return (
    <section id="page-products" data-testid="page-products" className="page products" hidden={hidden}>
      {productId
        ? <>
            <p><a href="/products" onClick={(e) => { e.preventDefault(); navigateTo("/products"); }}>← all products</a></p>
            <ProductDetailView productId={productId} />
          </>
        : <>
            <ProductSearch />
            <ProductTable />
          </>}
    </section>
  );
}
