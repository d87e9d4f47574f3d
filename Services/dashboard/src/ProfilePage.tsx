import { MyReviews } from "./MyReviews";
import { Recommendations } from "./Recommendations";
import { ReviewForm } from "./ReviewForm";
import { useSession } from "./session";

/** A logged-in user's page: post a review as yourself, and see your reviews with the model's verdicts. */
export function ProfilePage({ hidden }: { hidden: boolean }) {
  const { user } = useSession();
  return (
    <section id="page-profile" data-testid="page-profile" className="page profile" hidden={hidden}>
      {!user && <p className="panel muted" data-testid="profile-login-needed">Log in (top right) to post reviews and see your own.</p>}
      {user && (
        <>
          <p className="panel" data-testid="profile-user">
            Logged in as <strong>{user.displayName}</strong> ({user.username}, {user.role})
          </p>
          {/* One review form in the document at a time: the management page has one too, with the same ids. */}
          {!hidden && <ReviewForm />}
          <Recommendations active={!hidden} />
          <MyReviews active={!hidden} />
        </>
      )}
    </section>
  );
}
