from . import ai_agent, ai_call, ai_suggestion_cache, res_company, res_config_settings, res_partner
