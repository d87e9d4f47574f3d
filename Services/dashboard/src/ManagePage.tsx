import { ReviewForm } from "./ReviewForm";
import { useSession } from "./session";
import { Simulator } from "./Simulator";

/** Admins only: post one review and follow it to its prediction, or run a server-side simulation. */
export function ManagePage({ hidden }: { hidden: boolean }) {
  const { user } = useSession();
  return (
    <section id="page-manage" data-testid="page-manage" className="page manage" hidden={hidden}>
      {user?.role !== "admin" && (
        <p className="panel muted" data-testid="manage-admins-only">The management page is for admins: log in as one (top right).</p>
      )}
      {user?.role === "admin" && (
        <>
          {/* One review form in the document at a time: the profile page has one too, with the same ids. */}
          {!hidden && <ReviewForm />}
          <Simulator active={!hidden} />
        </>
      )}
    </section>
  );
}
