package dev.agentsre.integration.spring;

import dev.agentsre.anomaly.Enforcement;
import dev.agentsre.anomaly.RiskLevel;
import dev.agentsre.slo.ExhaustionAction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code agentsre.*}: the pipeline and its components, as Spring Boot properties.
 *
 * <pre>
 * agentsre:
 *   agents:
 *     research-agent:
 *       slo: { target: 0.995, window: 30d, exhaustion-action: throttle }
 *       daily-budget: 50.00
 *       capabilities: [search, lookup]
 *   cost: { per-task: 2.00, per-agent-daily: 50.00, org-monthly: 5000.00 }
 *   limits: { max-tool-calls: 200, max-duration: 5m }
 *   model-agents: { openAiChatModel: research-agent }
 * </pre>
 *
 * Durations take Spring's formats ({@code 30s}, {@code 5m}, {@code 30d}, ISO-8601).
 */
@ConfigurationProperties(prefix = "agentsre")
public class AgentSreProperties {

    /** Whether the auto-configuration applies at all. */
    private boolean enabled = true;

    /** Agents by id: each one's SLO, daily budget and capability profile. */
    private Map<String, Agent> agents = new LinkedHashMap<>();

    /** The SLO every agent gets, as a template: each agent's own, created on its first task (off unless a target is set). */
    private SloSpec slo = new SloSpec();

    /** How often the pipeline evaluates every SLO with no traffic, so alerts resolve and actions are undone (unset: on traffic only). */
    private Duration sloEvaluationInterval;

    public Duration getSloEvaluationInterval() {
        return sloEvaluationInterval;
    }

    public void setSloEvaluationInterval(Duration sloEvaluationInterval) {
        this.sloEvaluationInterval = sloEvaluationInterval;
    }

    /** Budgets and prices. */
    private Cost cost = new Cost();

    /** Each agent's circuit breaker around its tasks. */
    private Breaker breakers = new Breaker();

    /** One circuit breaker per dependency (model id or tool name) around each call. */
    private Breaker dependencyBreakers = new Breaker();

    /** The rogue-agent detector: quarantines, capability profiles, loops. */
    private Rogue rogue = new Rogue();

    /** Task limits of every task. */
    private Limits limits = new Limits();

    /** The agent a guarded model or chat-client bean's calls belong to outside a task, by bean name (default: the bean name). */
    private Map<String, String> modelAgents = new LinkedHashMap<>();

    /** LangChain4j model beans. */
    private Integration langchain4j = new Integration();

    /** Spring AI chat clients and tools. */
    private SpringAi springAi = new SpringAi();

    /** The health indicator. */
    private Health health = new Health();

    /** Alerting: receivers and routes (an alert manager is built when a receiver is configured). */
    private Alerts alerts = new Alerts();

    public Alerts getAlerts() {
        return alerts;
    }

    public void setAlerts(Alerts alerts) {
        this.alerts = alerts;
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Map<String, Agent> getAgents() {
        return agents;
    }

    public void setAgents(Map<String, Agent> agents) {
        this.agents = agents;
    }

    public SloSpec getSlo() {
        return slo;
    }

    public void setSlo(SloSpec slo) {
        this.slo = slo;
    }

    public Cost getCost() {
        return cost;
    }

    public void setCost(Cost cost) {
        this.cost = cost;
    }

    public Breaker getBreakers() {
        return breakers;
    }

    public void setBreakers(Breaker breakers) {
        this.breakers = breakers;
    }

    public Breaker getDependencyBreakers() {
        return dependencyBreakers;
    }

    public void setDependencyBreakers(Breaker dependencyBreakers) {
        this.dependencyBreakers = dependencyBreakers;
    }

    public Rogue getRogue() {
        return rogue;
    }

    public void setRogue(Rogue rogue) {
        this.rogue = rogue;
    }

    public Limits getLimits() {
        return limits;
    }

    public void setLimits(Limits limits) {
        this.limits = limits;
    }

    public Map<String, String> getModelAgents() {
        return modelAgents;
    }

    public void setModelAgents(Map<String, String> modelAgents) {
        this.modelAgents = modelAgents;
    }

    public Integration getLangchain4j() {
        return langchain4j;
    }

    public void setLangchain4j(Integration langchain4j) {
        this.langchain4j = langchain4j;
    }

    public SpringAi getSpringAi() {
        return springAi;
    }

    public void setSpringAi(SpringAi springAi) {
        this.springAi = springAi;
    }

    public Health getHealth() {
        return health;
    }

    public void setHealth(Health health) {
        this.health = health;
    }

    /** The agent a bean's calls belong to outside a task: {@code model-agents.<bean>}, else the bean name. */
    public String agentOf(String beanName) {
        return modelAgents.getOrDefault(beanName, beanName);
    }

    /** One agent. */
    public static class Agent {
        /** The agent's SLO (off unless a target is set). */
        private SloSpec slo = new SloSpec();
        /** The agent's daily budget in USD, overriding {@code cost.per-agent-daily}. */
        private Double dailyBudget;
        /** The tools the agent may call (its capability profile); empty = no profile. */
        private Set<String> capabilities = new LinkedHashSet<>();

        public SloSpec getSlo() {
            return slo;
        }

        public void setSlo(SloSpec slo) {
            this.slo = slo;
        }

        public Double getDailyBudget() {
            return dailyBudget;
        }

        public void setDailyBudget(Double dailyBudget) {
            this.dailyBudget = dailyBudget;
        }

        public Set<String> getCapabilities() {
            return capabilities;
        }

        public void setCapabilities(Set<String> capabilities) {
            this.capabilities = capabilities;
        }
    }

    /** An SLO on task success with an error budget. */
    public static class SloSpec {
        /** Target success ratio, e.g. 0.995; unset = no SLO. */
        private Double target;
        /** The error budget's window. */
        private Duration window = Duration.ofDays(30);
        /** What the pipeline does while the budget is exhausted. */
        private ExhaustionAction exhaustionAction = ExhaustionAction.ALERT;

        public Double getTarget() {
            return target;
        }

        public void setTarget(Double target) {
            this.target = target;
        }

        public Duration getWindow() {
            return window;
        }

        public void setWindow(Duration window) {
            this.window = window;
        }

        public ExhaustionAction getExhaustionAction() {
            return exhaustionAction;
        }

        public void setExhaustionAction(ExhaustionAction exhaustionAction) {
            this.exhaustionAction = exhaustionAction;
        }
    }

    /** Budgets and prices. */
    public static class Cost {
        /** Whether a cost guard is built. */
        private boolean enabled = true;
        /** Limit of one task's cost in USD. */
        private Double perTask;
        /** Every agent's daily budget in USD. */
        private Double perAgentDaily;
        /** The organisation's monthly budget in USD. */
        private Double orgMonthly;
        /** Whether an agent near its budget is throttled. */
        private boolean autoThrottle;
        /** Fraction of a budget at which its kill switch engages. */
        private Double killSwitchThreshold;
        /** A price table file (the JSON format of the built-in table) replacing the built-in prices. */
        private String priceTable;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Double getPerTask() {
            return perTask;
        }

        public void setPerTask(Double perTask) {
            this.perTask = perTask;
        }

        public Double getPerAgentDaily() {
            return perAgentDaily;
        }

        public void setPerAgentDaily(Double perAgentDaily) {
            this.perAgentDaily = perAgentDaily;
        }

        public Double getOrgMonthly() {
            return orgMonthly;
        }

        public void setOrgMonthly(Double orgMonthly) {
            this.orgMonthly = orgMonthly;
        }

        public boolean isAutoThrottle() {
            return autoThrottle;
        }

        public void setAutoThrottle(boolean autoThrottle) {
            this.autoThrottle = autoThrottle;
        }

        public Double getKillSwitchThreshold() {
            return killSwitchThreshold;
        }

        public void setKillSwitchThreshold(Double killSwitchThreshold) {
            this.killSwitchThreshold = killSwitchThreshold;
        }

        public String getPriceTable() {
            return priceTable;
        }

        public void setPriceTable(String priceTable) {
            this.priceTable = priceTable;
        }
    }

    /** A circuit breaker registry. */
    public static class Breaker {
        /** Whether the registry is built. */
        private boolean enabled = true;
        /** Consecutive failures that open a circuit. */
        private int failureThreshold = 5;
        /** How long a circuit stays open before a probe. */
        private Duration recoveryTimeout = Duration.ofSeconds(30);

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public int getFailureThreshold() {
            return failureThreshold;
        }

        public void setFailureThreshold(int failureThreshold) {
            this.failureThreshold = failureThreshold;
        }

        public Duration getRecoveryTimeout() {
            return recoveryTimeout;
        }

        public void setRecoveryTimeout(Duration recoveryTimeout) {
            this.recoveryTimeout = recoveryTimeout;
        }
    }

    /** The rogue-agent detector. */
    public static class Rogue {
        /** Whether the detector is built. */
        private boolean enabled = true;
        /** Whether capability profiles refuse calls (ENFORCE) or are only scored (OBSERVE). */
        private Enforcement enforcement = Enforcement.ENFORCE;
        /** Risk at which an agent is quarantined. */
        private RiskLevel quarantineRiskLevel = RiskLevel.HIGH;
        /** Identical calls in one task that make a loop (unset: the detector's default). */
        private Integer repeatThreshold;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Enforcement getEnforcement() {
            return enforcement;
        }

        public void setEnforcement(Enforcement enforcement) {
            this.enforcement = enforcement;
        }

        public RiskLevel getQuarantineRiskLevel() {
            return quarantineRiskLevel;
        }

        public void setQuarantineRiskLevel(RiskLevel quarantineRiskLevel) {
            this.quarantineRiskLevel = quarantineRiskLevel;
        }

        public Integer getRepeatThreshold() {
            return repeatThreshold;
        }

        public void setRepeatThreshold(Integer repeatThreshold) {
            this.repeatThreshold = repeatThreshold;
        }
    }

    /** Task limits (unset: unlimited, delegation depth 3). */
    public static class Limits {
        /** Model calls per task. */
        private Integer maxModelCalls;
        /** Tool calls per task. */
        private Integer maxToolCalls;
        /** Tokens per task. */
        private Long maxTokens;
        /** A task's deadline. */
        private Duration maxDuration;

        public Integer getMaxModelCalls() {
            return maxModelCalls;
        }

        public void setMaxModelCalls(Integer maxModelCalls) {
            this.maxModelCalls = maxModelCalls;
        }

        public Integer getMaxToolCalls() {
            return maxToolCalls;
        }

        public void setMaxToolCalls(Integer maxToolCalls) {
            this.maxToolCalls = maxToolCalls;
        }

        public Long getMaxTokens() {
            return maxTokens;
        }

        public void setMaxTokens(Long maxTokens) {
            this.maxTokens = maxTokens;
        }

        public Duration getMaxDuration() {
            return maxDuration;
        }

        public void setMaxDuration(Duration maxDuration) {
            this.maxDuration = maxDuration;
        }
    }

    /** A framework integration. */
    public static class Integration {
        /** Whether the framework's beans are guarded. */
        private boolean enabled = true;
        /** Beans left unguarded, by name. */
        private List<String> excludedBeans = new ArrayList<>();

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public List<String> getExcludedBeans() {
            return excludedBeans;
        }

        public void setExcludedBeans(List<String> excludedBeans) {
            this.excludedBeans = excludedBeans;
        }
    }

    /** Spring AI. */
    public static class SpringAi extends Integration {
        /** The agent of chat clients built from the auto-configured ChatClient.Builder outside a task (default: spring.application.name, else "chat-client"). */
        private String agentId;
        /** The model id to price and break on when a prompt's options name none. */
        private String defaultModel;

        public String getAgentId() {
            return agentId;
        }

        public void setAgentId(String agentId) {
            this.agentId = agentId;
        }

        public String getDefaultModel() {
            return defaultModel;
        }

        public void setDefaultModel(String defaultModel) {
            this.defaultModel = defaultModel;
        }
    }

    /** The health indicator. */
    public static class Health {
        /** Whether an exhausted SLO or an engaged organisation kill switch reports DOWN (else UP with the details). */
        private boolean downWhenExhausted = true;

        public boolean isDownWhenExhausted() {
            return downWhenExhausted;
        }

        public void setDownWhenExhausted(boolean downWhenExhausted) {
            this.downWhenExhausted = downWhenExhausted;
        }
    }

    /** Alerting: where the pipeline's alerts (SLO burn, budgets, breakers, quarantines, incidents) are sent. */
    public static class Alerts {
        /** Receivers by name. */
        private Map<String, ReceiverSpec> receivers = new LinkedHashMap<>();
        /** The receiver of alerts no route takes (default: the first receiver). */
        private String defaultReceiver;
        /** Labels an alert group is keyed by. */
        private List<String> groupBy = new ArrayList<>(List.of("alertname", "agent_id"));
        /** Routes tried in order: alerts whose label matches go to the route's receiver. */
        private List<RouteSpec> routes = new ArrayList<>();

        public Map<String, ReceiverSpec> getReceivers() {
            return receivers;
        }

        public void setReceivers(Map<String, ReceiverSpec> receivers) {
            this.receivers = receivers;
        }

        public String getDefaultReceiver() {
            return defaultReceiver;
        }

        public void setDefaultReceiver(String defaultReceiver) {
            this.defaultReceiver = defaultReceiver;
        }

        public List<String> getGroupBy() {
            return groupBy;
        }

        public void setGroupBy(List<String> groupBy) {
            this.groupBy = groupBy;
        }

        public List<RouteSpec> getRoutes() {
            return routes;
        }

        public void setRoutes(List<RouteSpec> routes) {
            this.routes = routes;
        }
    }

    /** The kinds of receiver. */
    public enum ReceiverType {
        /** A Slack incoming webhook ({@code url}). */
        SLACK,
        /** PagerDuty Events v2 ({@code key}: the routing key). */
        PAGERDUTY,
        /** A Microsoft Teams workflow ({@code url}). */
        TEAMS,
        /** Opsgenie ({@code key}: the API key). */
        OPSGENIE,
        /** A signed JSON webhook ({@code url}). */
        WEBHOOK
    }

    /** One receiver. */
    public static class ReceiverSpec {
        /** The kind of receiver. */
        private ReceiverType type;
        /** Its URL (Slack, Teams, webhook). */
        private String url;
        /** Its key (PagerDuty routing key, Opsgenie API key). */
        private String key;

        public ReceiverType getType() {
            return type;
        }

        public void setType(ReceiverType type) {
            this.type = type;
        }

        public String getUrl() {
            return url;
        }

        public void setUrl(String url) {
            this.url = url;
        }

        public String getKey() {
            return key;
        }

        public void setKey(String key) {
            this.key = key;
        }
    }

    /** A route: alerts whose {@code label} equals {@code value} go to {@code receiver}. */
    public static class RouteSpec {
        /** The label matched. */
        private String label;
        /** The value it must have. */
        private String value;
        /** The receiver of matching alerts. */
        private String receiver;

        public String getLabel() {
            return label;
        }

        public void setLabel(String label) {
            this.label = label;
        }

        public String getValue() {
            return value;
        }

        public void setValue(String value) {
            this.value = value;
        }

        public String getReceiver() {
            return receiver;
        }

        public void setReceiver(String receiver) {
            this.receiver = receiver;
        }
    }
}
