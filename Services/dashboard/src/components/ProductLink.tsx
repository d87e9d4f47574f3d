import type { MouseEvent, ReactNode } from "react";
import { navigateTo } from "../router";

/** A link to a product's page that switches page without reloading (and opens a tab on ctrl/cmd-click). */
export function ProductLink({ id, children, testId }: { id: string; children: ReactNode; testId?: string }) {
  const href = `/products/${encodeURIComponent(id)}`;
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigateTo(href);
    window.scrollTo(0, 0);
  };
  return <a href={href} onClick={onClick} data-testid={testId} data-product-id={id} className="product-link">{children}</a>;
}
