// Cases (办件, spec/procedures.md "HTTP"): open, list, read, and the moves — advance,
// objection, return, reject. The service checks the role, the scope and the level.
#include <nlohmann/json.hpp>

#include "api/reply.h"
#include "api/routes/routes.h"
#include "service/procedures/case_service.h"
#include "views/care_json.h"
#include "views/case_json.h"

namespace fupin {
namespace {

Result<int64_t> CaseId(const HttpRequest& req) { return PathId(req, "办件", "case"); }

Error Field(const char* name, const char* zh_type, const char* en_type) {
  return Error{"E_FORMAT", std::string(name) + " 应为" + zh_type,
               std::string(name) + " must be " + en_type};
}

// The optional string `name` of `body` (E_FORMAT when it is another type), bounded.
Result<std::string> Text(const Json& body, const char* name, size_t max_chars = 2000) {
  if (!body.contains(name) || body[name].is_null()) return std::string();
  if (!body[name].is_string()) return Field(name, "字符串", "a string");
  std::string text = body[name].get<std::string>();
  if (text.size() > max_chars * 4) {
    return Error{"E_TOO_LONG", std::string(name) + " 过长", std::string(name) + " is too long"};
  }
  return text;
}

Result<std::optional<int64_t>> Integer(const Json& body, const char* name) {
  if (!body.contains(name) || body[name].is_null()) return std::optional<int64_t>();
  const Json& v = body[name];
  if (v.is_number_integer()) return std::optional<int64_t>(v.get<int64_t>());
  if (v.is_string()) {  // codes are often written as text: "01", "3"
    const std::string s = v.get<std::string>();
    if (!s.empty() && s.size() <= 18 && s.find_first_not_of("0123456789") == std::string::npos) {
      return std::optional<int64_t>(std::stoll(s));
    }
  }
  return Field(name, "整数", "an integer");
}

// The ids of uploaded attachments: [1, 2, …].
Result<std::vector<int64_t>> AttachmentIds(const Json& body) {
  std::vector<int64_t> ids;
  if (!body.contains("attachments") || body["attachments"].is_null()) return ids;
  const Json& list = body["attachments"];
  if (!list.is_array() || list.size() > 9) {
    return Field("attachments", "附件编号的数组（最多 9 个）",
                 "an array of up to 9 attachment ids");
  }
  for (const Json& id : list) {
    if (!id.is_number_integer() || id.get<int64_t>() <= 0) {
      return Field("attachments", "附件编号的数组", "an array of attachment ids");
    }
    ids.push_back(id.get<int64_t>());
  }
  return ids;
}

// The case with its steps' attachments (file name, media type, size, SHA-256).
Reply CaseReply(RouteContext& ctx, const CaseView& view, Lang lang, int status = 200) {
  auto attachments = CaseAttachments(ctx.store, view.stored);
  if (!attachments.ok()) return Failure(attachments.error(), lang);
  std::vector<Json> by_step;
  for (const auto& rows : *attachments) {
    Json list = Json::array();
    for (const AttachmentRow& row : rows) list.push_back(AttachmentJson(row));
    by_step.push_back(std::move(list));
  }
  Json out = CaseJson(view, &by_step);
  out["today"] = Date::Today().ToString();  // the server's local date, for the notice's countdown
  return Data(out, status);
}

Reply Refused(const Error& error, const CaseRefusal& refusal, Lang lang) {
  return Failure(error, lang, RefusalDetails(refusal, lang));
}

Reply Create(RouteContext& ctx, const HttpRequest& req) {
  const Lang lang = req.lang;
  auto body = ParseBody(
      req.body, {"kind", "household_code", "year", "cause", "reason", "finding", "type",
                 "risk_types", "source", "clue_date", "labor_override", "comment", "attachments"});
  if (!body.ok()) return Failure(body.error(), lang);
  OpenCaseRequest r;
  auto kind = Text(*body, "kind", 32);
  auto household = Text(*body, "household_code", 64);
  auto reason = Text(*body, "reason", 8);
  auto source = Text(*body, "source", 32);
  auto clue = Text(*body, "clue_date", 32);
  auto labor = Text(*body, "labor_override");
  auto comment = Text(*body, "comment");
  for (auto* text : {&kind, &household, &reason, &source, &clue, &labor, &comment}) {
    if (!text->ok()) return Failure(text->error(), lang);
  }
  r.kind = *kind;
  r.household_code = *household;
  r.reason = *reason;
  r.source = *source;
  r.labor_override = *labor;
  r.comment = *comment;
  if (r.kind.empty() || r.household_code.empty()) {
    return Failure(Error{"E_REQUIRED", "须填写 kind 和 household_code",
                         "kind and household_code are required"},
                   lang);
  }
  if (!clue->empty()) {
    auto date = Date::Parse(*clue);
    if (!date.ok()) return Failure(date.error(), lang);
    r.clue_date = *date;
  }
  for (const char* name : {"year", "cause", "type", "finding"}) {
    auto value = Integer(*body, name);
    if (!value.ok()) return Failure(value.error(), lang);
    if (!*value) continue;
    if (std::string_view(name) == "finding") {
      r.finding = **value;
    } else if (**value < -100000 || **value > 100000) {
      return Failure(Field(name, "合理的整数", "a reasonable integer"), lang);
    } else if (std::string_view(name) == "year") {
      r.year = static_cast<int>(**value);
    } else if (std::string_view(name) == "cause") {
      r.cause = static_cast<int>(**value);
    } else {
      r.type = static_cast<int>(**value);
    }
  }
  if (body->contains("risk_types") && !(*body)["risk_types"].is_null()) {
    const Json& list = (*body)["risk_types"];
    if (!list.is_array() || list.size() > 20) {
      return Failure(Field("risk_types", "风险类型代码的数组", "an array of risk type codes"),
                     lang);
    }
    CodeSet set;
    for (const Json& item : list) {
      std::optional<int> code;
      if (item.is_string()) code = ParseCode(CodeList::kRiskType, item.get<std::string>());
      if (item.is_number_integer()) {
        code = ParseCode(CodeList::kRiskType, std::to_string(item.get<int64_t>()));
      }
      if (!code) {
        return Failure(Error{"E_CODE", "风险类型代码不正确：" + item.dump().substr(0, 20),
                             "not a risk type code: " + item.dump().substr(0, 20)},
                       lang);
      }
      set.Add(*code);
    }
    r.risk_types = set;
  }
  auto attachments = AttachmentIds(*body);
  if (!attachments.ok()) return Failure(attachments.error(), lang);
  r.attachments = *attachments;
  CaseRefusal refusal;
  auto view = OpenCase(ctx.store, ctx.policy, req.caller, r, &refusal);
  if (!view.ok()) return Refused(view.error(), refusal, lang);
  return CaseReply(ctx, *view, lang, 201);
}

Reply List(RouteContext& ctx, const HttpRequest& req) {
  const Lang lang = req.lang;
  const Query& q = req.query;
  CaseQuery query;
  auto region = RegionParam(q.Get("region"), req.caller);
  if (!region.ok()) return Failure(region.error(), lang);
  query.region = *region;
  if (q.Has("kind") && !q.Get("kind").empty()) {
    query.kind = ParseProcedureKind(q.Get("kind"));
    if (!query.kind) {
      return Failure(Error::Usage("kind 应为 identify、exit、return、remove、monitor 或 eliminate",
                                  "kind must be identify, exit, return, remove, monitor or "
                                  "eliminate"),
                     lang);
    }
  }
  if (q.Has("state") && !q.Get("state").empty()) {
    const std::string_view state = q.Get("state");
    if (state == "open") {
      query.state = CaseState::kOpen;
    } else if (state == "done") {
      query.state = CaseState::kDone;
    } else if (state == "rejected") {
      query.state = CaseState::kRejected;
    } else {
      return Failure(
          Error::Usage("state 应为 open、done 或 rejected", "state must be open, done or rejected"),
          lang);
    }
  }
  query.household_code = std::string(q.Get("household").substr(0, 64));
  const bool waiting = q.Get("waiting") == "me";
  if (q.Has("waiting") && !waiting) {
    return Failure(Error::Usage("waiting 只能是 me", "waiting can only be me"), lang);
  }
  if (q.Get("overdue") == "true") query.overdue_on = Date::Today();
  auto paging = PageParam(q);
  if (!paging.ok()) return Failure(paging.error(), lang);
  query.limit = paging->size;
  query.offset = paging->offset;
  auto list = ListCases(ctx.store, ctx.policy, req.caller, query, waiting);
  if (!list.ok()) return Failure(list.error(), lang);
  return Data(CaseListJson(*list));
}

Reply Show(RouteContext& ctx, const HttpRequest& req) {
  auto id = CaseId(req);
  if (!id.ok()) return Failure(id.error(), req.lang);
  auto view = GetCase(ctx.store, ctx.policy, req.caller, *id);
  if (!view.ok()) return Failure(view.error(), req.lang);
  return CaseReply(ctx, *view, req.lang);
}

// advance, objections, return, reject: a body, the service's move, the case after it.
Reply Advance(RouteContext& ctx, const HttpRequest& req) {
  auto id = CaseId(req);
  if (!id.ok()) return Failure(id.error(), req.lang);
  auto body = ParseBody(BlankBody(req.body) ? "{}" : req.body, {"comment", "attachments"});
  if (!body.ok()) return Failure(body.error(), req.lang);
  auto comment = Text(*body, "comment");
  if (!comment.ok()) return Failure(comment.error(), req.lang);
  auto attachments = AttachmentIds(*body);
  if (!attachments.ok()) return Failure(attachments.error(), req.lang);
  CaseRefusal refusal;
  auto view = AdvanceCase(ctx.store, ctx.policy, req.caller, *id, *comment, *attachments, &refusal);
  if (!view.ok()) return Refused(view.error(), refusal, req.lang);
  return CaseReply(ctx, *view, req.lang);
}

Reply Object(RouteContext& ctx, const HttpRequest& req) {
  auto id = CaseId(req);
  if (!id.ok()) return Failure(id.error(), req.lang);
  auto body = ParseBody(req.body, {"text"});
  if (!body.ok()) return Failure(body.error(), req.lang);
  auto text = Text(*body, "text");
  if (!text.ok()) return Failure(text.error(), req.lang);
  CaseRefusal refusal;
  auto view = ObjectToCase(ctx.store, ctx.policy, req.caller, *id, *text, &refusal);
  if (!view.ok()) return Refused(view.error(), refusal, req.lang);
  return CaseReply(ctx, *view, req.lang, 201);
}

Reply Return(RouteContext& ctx, const HttpRequest& req) {
  auto id = CaseId(req);
  if (!id.ok()) return Failure(id.error(), req.lang);
  auto body = ParseBody(req.body, {"to", "reason"});
  if (!body.ok()) return Failure(body.error(), req.lang);
  auto to = Text(*body, "to", 32);
  auto reason = Text(*body, "reason");
  if (!to.ok()) return Failure(to.error(), req.lang);
  if (!reason.ok()) return Failure(reason.error(), req.lang);
  CaseRefusal refusal;
  auto view = ReturnCase(ctx.store, ctx.policy, req.caller, *id, *to, *reason, &refusal);
  if (!view.ok()) return Refused(view.error(), refusal, req.lang);
  return CaseReply(ctx, *view, req.lang);
}

Reply Reject(RouteContext& ctx, const HttpRequest& req) {
  auto id = CaseId(req);
  if (!id.ok()) return Failure(id.error(), req.lang);
  auto body = ParseBody(req.body, {"reason"});
  if (!body.ok()) return Failure(body.error(), req.lang);
  auto reason = Text(*body, "reason");
  if (!reason.ok()) return Failure(reason.error(), req.lang);
  CaseRefusal refusal;
  auto view = RejectCase(ctx.store, ctx.policy, req.caller, *id, *reason, &refusal);
  if (!view.ok()) return Refused(view.error(), refusal, req.lang);
  return CaseReply(ctx, *view, req.lang);
}

}  // namespace

void AddCaseRoutes(Routes& routes) {
  routes.push_back({"POST", "/api/v1/cases", true, Work::kWrite, Create, nullptr});
  routes.push_back({"GET", "/api/v1/cases", true, Work::kRead, List, nullptr});
  routes.push_back({"GET", "/api/v1/cases/:id", true, Work::kRead, Show, nullptr});
  routes.push_back({"POST", "/api/v1/cases/:id/advance", true, Work::kWrite, Advance, nullptr});
  routes.push_back({"POST", "/api/v1/cases/:id/objections", true, Work::kWrite, Object, nullptr});
  routes.push_back({"POST", "/api/v1/cases/:id/return", true, Work::kWrite, Return, nullptr});
  routes.push_back({"POST", "/api/v1/cases/:id/reject", true, Work::kWrite, Reject, nullptr});
}

}  // namespace fupin
