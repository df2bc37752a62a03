package dev.agentsre.testing;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;

/**
 * Common secret shapes, each with the contexts it naturally appears in: the key it is stored under,
 * a sentence, and a URL. Values are random (fixed seed), never real credentials. Used by the
 * redaction tests in core (trace files, log lines) and in the OpenTelemetry module (spans).
 */
public final class SecretCorpus {

    /**
     * One secret shape.
     *
     * @param name what it is
     * @param secret the secret itself, which must never appear
     * @param key the key it is naturally stored under
     * @param keyed the value stored under {@code key} (the secret, or e.g. "Bearer " + secret)
     * @param sentence free text holding it in its natural context
     * @param url a URL holding it
     * @param recognisable whether its shape alone gives it away (then it is also planted bare, under a neutral key)
     */
    public record Shape(String name, String secret, String key, String keyed, String sentence, String url, boolean recognisable) {

        /** Pieces that must not appear anywhere: the secret, and each long line of a multi-line one. */
        public List<String> fragments() {
            List<String> fragments = new ArrayList<>();
            fragments.add(secret);
            if (secret.contains("\n")) {
                for (String line : secret.split("\n")) {
                    if (line.length() >= 12) {
                        fragments.add(line);
                    }
                }
            }
            return fragments;
        }
    }

    private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final String TOKEN = ALNUM + "_-";
    private static final String BASE64 = ALNUM + "+/";
    private static final String UPPER32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private static final String HEX = "0123456789abcdef";
    private static final String LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final String DIGITS = "0123456789";

    private SecretCorpus() {
    }

    /** Every shape. */
    public static List<Shape> shapes() {
        Random r = new Random(20260801L);
        List<Shape> shapes = new ArrayList<>();
        // Model providers
        bare(shapes, "openai-legacy-key", "sk-" + s(r, ALNUM, 48), "OPENAI_API_KEY");
        bare(shapes, "openai-project-key", "sk-proj-" + s(r, TOKEN, 74) + "T3BlbkFJ" + s(r, TOKEN, 74), "openai_api_key");
        bare(shapes, "openai-service-account-key", "sk-svcacct-" + s(r, TOKEN, 58) + "T3BlbkFJ" + s(r, TOKEN, 58), "apiKey");
        bare(shapes, "anthropic-key", "sk-ant-api03-" + s(r, TOKEN, 93) + "AA", "x-api-key");
        bare(shapes, "anthropic-admin-key", "sk-ant-admin01-" + s(r, TOKEN, 93) + "AA", "anthropic_admin_key");
        bare(shapes, "huggingface-token", "hf_" + s(r, LETTERS, 34), "hf_token");
        bare(shapes, "groq-key", "gsk_" + s(r, ALNUM, 52), "GROQ_API_KEY");
        // Cloud
        bare(shapes, "aws-access-key-id", "AKIA" + s(r, UPPER32, 16), "aws_access_key_id");
        bare(shapes, "aws-temporary-access-key-id", "ASIA" + s(r, UPPER32, 16), "AccessKeyId");
        String awsSecret = s(r, BASE64, 40);
        shapes.add(new Shape("aws-secret-access-key", awsSecret, "aws_secret_access_key", awsSecret,
                "[default]\naws_secret_access_key = " + awsSecret + "\nregion = eu-central-1",
                "https://s3.example.com/bucket?aws_secret_access_key=" + awsSecret, false));
        String awsPair = s(r, BASE64, 40);
        shapes.add(new Shape("aws-secret-in-credentials-csv", awsPair, "secretAccessKey", awsPair,
                "User name,Access key ID,Secret access key\ndeploy,AKIA" + s(r, UPPER32, 16) + "," + awsPair,
                "https://sts.example.com/?SecretAccessKey=" + awsPair, false));
        String session = "IQoJb3JpZ2luX2VjE" + s(r, BASE64, 300);
        shapes.add(new Shape("aws-session-token", session, "aws_session_token", session,
                "export AWS_SESSION_TOKEN=" + session, "https://s3.example.com/o?X-Amz-Security-Token=" + session, false));
        bare(shapes, "google-api-key", "AIza" + s(r, TOKEN, 35), "key_google");
        bare(shapes, "google-oauth-access-token", "ya29.a0" + s(r, TOKEN, 120), "access_token");
        bare(shapes, "google-oauth-client-secret", "GOCSPX-" + s(r, TOKEN, 28), "client_secret");
        String azure = s(r, BASE64, 86) + "==";
        shapes.add(new Shape("azure-storage-account-key", azure, "connection_string",
                "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=" + azure + ";EndpointSuffix=core.windows.net",
                "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=" + azure + ";EndpointSuffix=core.windows.net",
                "https://acme.blob.core.windows.net/c/x.txt?sv=2024-11-04&sig=" + azure + "&se=2026-09-01", false));
        bare(shapes, "databricks-token", "dapi" + s(r, HEX, 32), "DATABRICKS_TOKEN");
        // Source control and packages
        bare(shapes, "github-classic-pat", "ghp_" + s(r, ALNUM, 36), "github_token");
        bare(shapes, "github-oauth-token", "gho_" + s(r, ALNUM, 36), "GH_TOKEN");
        bare(shapes, "github-app-user-token", "ghu_" + s(r, ALNUM, 36), "token");
        bare(shapes, "github-app-installation-token", "ghs_" + s(r, ALNUM, 36), "installationToken");
        bare(shapes, "github-refresh-token", "ghr_" + s(r, ALNUM, 36), "refresh_token");
        bare(shapes, "github-fine-grained-pat", "github_pat_" + s(r, ALNUM, 22) + "_" + s(r, ALNUM, 59), "GITHUB_PAT");
        bare(shapes, "gitlab-pat", "glpat-" + s(r, TOKEN, 20), "gitlab_token");
        bare(shapes, "npm-token", "npm_" + s(r, ALNUM, 36), "NPM_TOKEN");
        bare(shapes, "pypi-token", "pypi-AgEIcHlwaS5vcmc" + s(r, TOKEN, 60), "pypi_password");
        // Messaging and payments
        bare(shapes, "slack-bot-token", "xoxb-" + s(r, DIGITS, 12) + "-" + s(r, DIGITS, 13) + "-" + s(r, ALNUM, 24), "slack_token");
        bare(shapes, "slack-user-token", "xoxp-" + s(r, DIGITS, 12) + "-" + s(r, DIGITS, 12) + "-" + s(r, DIGITS, 13) + "-"
                + s(r, HEX, 32), "SLACK_USER_TOKEN");
        bare(shapes, "slack-app-token", "xapp-1-A" + s(r, UPPER32, 10) + "-" + s(r, DIGITS, 13) + "-" + s(r, HEX, 64), "appToken");
        String hook = "T" + s(r, UPPER32, 8) + "/B" + s(r, UPPER32, 8) + "/" + s(r, ALNUM, 24);
        shapes.add(new Shape("slack-webhook-url", hook, "slack_webhook_url", "https://hooks.slack.com/services/" + hook,
                "Alerts go to https://hooks.slack.com/services/" + hook + " (the #ops channel).",
                "https://hooks.slack.com/services/" + hook, false));
        bare(shapes, "stripe-secret-key", "sk_live_" + s(r, ALNUM, 24), "stripe_key");
        bare(shapes, "stripe-restricted-key", "rk_live_" + s(r, ALNUM, 24), "STRIPE_RESTRICTED_KEY");
        bare(shapes, "stripe-webhook-secret", "whsec_" + s(r, ALNUM, 32), "webhook_secret");
        bare(shapes, "sendgrid-key", "SG." + s(r, TOKEN, 22) + "." + s(r, TOKEN, 43), "SENDGRID_API_KEY");
        bare(shapes, "twilio-api-key", "SK" + s(r, HEX, 32), "twilio_api_key");
        // Tokens and keys in standard formats
        String jwt = b64url("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + "." + b64url("{\"sub\":\"" + s(r, DIGITS, 10)
                + "\",\"name\":\"Jane\",\"iat\":1516239022}") + "." + s(r, TOKEN, 43);
        bare(shapes, "jwt", jwt, "id_token");
        for (String label : new String[] {"RSA PRIVATE KEY", "PRIVATE KEY", "OPENSSH PRIVATE KEY", "EC PRIVATE KEY"}) {
            StringBuilder pem = new StringBuilder("-----BEGIN " + label + "-----\n");
            for (int line = 0; line < 6; line++) {
                pem.append(s(r, BASE64, 64)).append('\n');
            }
            pem.append(s(r, BASE64, 20)).append("==\n-----END ").append(label).append("-----");
            bare(shapes, "pem-" + label.toLowerCase().replace(' ', '-'), pem.toString(), "private_key");
        }
        // Credentials that only their context gives away
        String bearer = s(r, HEX, 40);
        shapes.add(new Shape("opaque-bearer-token", bearer, "Authorization", "Bearer " + bearer,
                "curl -H 'Authorization: Bearer " + bearer + "' https://api.example.com/v1/orders",
                "https://api.example.com/v1/orders?access_token=" + bearer, false));
        String basic = Base64.getEncoder().encodeToString(("svc-orders:" + s(r, ALNUM, 16)).getBytes(StandardCharsets.UTF_8));
        shapes.add(new Shape("basic-auth", basic, "authorization", "Basic " + basic,
                "The proxy sent Authorization: Basic " + basic + " and got 401.", "https://api.example.com/?auth=" + basic, false));
        String opaque = s(r, HEX, 40);
        shapes.add(new Shape("opaque-token", opaque, "token", opaque, "token: " + opaque,
                "https://api.example.com/v1/feed?token=" + opaque + "&page=2", false));
        String apiKeyHeader = s(r, HEX, 32);
        shapes.add(new Shape("api-key-header", apiKeyHeader, "X-Api-Key", apiKeyHeader,
                "curl -H \"X-Api-Key: " + apiKeyHeader + "\" https://api.example.com", "https://api.example.com/?api_key=" + apiKeyHeader,
                false));
        String cookie = s(r, HEX, 32);
        shapes.add(new Shape("session-cookie", cookie, "Cookie", "session=" + cookie + "; theme=dark",
                "Cookie: session=" + cookie + "; theme=dark", "https://app.example.com/?session_id=" + cookie, false));
        String urlPassword = "S3cr3t-" + s(r, ALNUM, 12);
        shapes.add(new Shape("url-password", urlPassword, "password", urlPassword,
                "connect to postgres://orders_app:" + urlPassword + "@db.internal:5432/orders and retry",
                "postgres://orders_app:" + urlPassword + "@db.internal:5432/orders", false));
        String freePassword = "Tr0ub4dor-" + s(r, ALNUM, 8) + "!";
        shapes.add(new Shape("password-in-free-text", freePassword, "password", freePassword,
                "Hi, my password is " + freePassword + " please reset it", "https://app.example.com/login?user=jane&password="
                + freePassword, false));
        String envPassword = s(r, ALNUM, 20);
        shapes.add(new Shape("password-env-variable", envPassword, "DB_PASSWORD", envPassword, "DB_PASSWORD=" + envPassword + "\nDB_USER=app",
                "mysql://app:" + envPassword + "@db:3306/shop", false));
        String flag = s(r, ALNUM, 24);
        shapes.add(new Shape("password-cli-flag", flag, "passwd", flag, "run: psql --password " + flag + " --host db",
                "https://db.example.com/connect?passwd=" + flag, false));
        return shapes;
    }

    private static void bare(List<Shape> shapes, String name, String secret, String key) {
        String sentence = secret.contains("\n")
                ? "Here is the key you asked for:\n" + secret + "\nKeep it safe."
                : "Use " + secret + " for the call, then rotate it.";
        String url = secret.contains("\n") ? "https://vault.example.com/upload?private_key=" + URLEncoder.encode(secret, StandardCharsets.UTF_8)
                : "https://x-access-token:" + secret + "@git.example.com/acme/repo.git";
        shapes.add(new Shape(name, secret, key, secret, sentence, url, true));
    }

    private static String s(Random r, String alphabet, int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return out.toString();
    }

    private static String b64url(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
